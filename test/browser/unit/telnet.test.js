import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { COMMAND, OPTION, TelnetSession } from '../../../web/telnet.js';

const { IAC, WILL, WONT, DO, DONT, SB, SE, NOP, GA } = COMMAND;
const ascii = (text) => Array.from(text, (c) => c.charCodeAt(0));
const list = (bytes) => [...bytes];

describe('TelnetSession data', () => {
    it('passes plain text through with no reply', () => {
        const session = new TelnetSession();
        const { data, reply } = session.receive(ascii('login: '));
        assert.deepEqual(list(data), ascii('login: '));
        assert.deepEqual(list(reply), []);
    });

    it('turns IAC IAC into one 255 byte', () => {
        const session = new TelnetSession();
        assert.deepEqual(list(session.receive([0x41, IAC, IAC, 0x42]).data), [0x41, 255, 0x42]);
    });

    it('drops the NUL of CR NUL but keeps CR LF and other NULs', () => {
        const session = new TelnetSession();
        const { data } = session.receive([...ascii('a\r'), 0, ...ascii('b\r\n'), 0]);
        assert.deepEqual(list(data), [...ascii('a\rb\r\n'), 0]);
    });

    it('ignores single commands such as NOP and GA', () => {
        const session = new TelnetSession();
        const { data, reply } = session.receive([0x41, IAC, NOP, IAC, GA, 0x42]);
        assert.deepEqual(list(data), ascii('AB'));
        assert.deepEqual(list(reply), []);
    });

    it('parses commands split at every possible point', () => {
        const stream = [...ascii('x'), IAC, WILL, OPTION.ECHO, IAC, SB, OPTION.TTYPE, 1, IAC, SE,
            ...ascii('y')];
        const whole = new TelnetSession();
        const expected = whole.receive(stream);
        for (let cut = 1; cut < stream.length; cut++) {
            const session = new TelnetSession();
            session.receive([IAC, DO, OPTION.TTYPE]); // so TTYPE SEND is answered
            const first = session.receive(stream.slice(0, cut));
            const second = session.receive(stream.slice(cut));
            assert.deepEqual([...first.data, ...second.data], ascii('xy'), `cut at ${cut}`);
            assert.deepEqual([...first.reply, ...second.reply],
                [IAC, DO, OPTION.ECHO, IAC, SB, OPTION.TTYPE, 0, ...ascii('xterm-256color'),
                    IAC, SE], `cut at ${cut}`);
        }
        assert.deepEqual(list(expected.data), ascii('xy'));
    });
});

describe('TelnetSession negotiation', () => {
    it('accepts the server\'s ECHO and SGA, and then the server echoes', () => {
        const session = new TelnetSession();
        assert.equal(session.serverEchoes, false);
        const { reply } = session.receive([IAC, WILL, OPTION.ECHO, IAC, WILL, OPTION.SGA]);
        assert.deepEqual(list(reply), [IAC, DO, OPTION.ECHO, IAC, DO, OPTION.SGA]);
        assert.equal(session.serverEchoes, true);
        assert.equal(session.isEnabled(OPTION.SGA, 'server'), true);
    });

    it('answers a request for a state already in effect with nothing (no loops)', () => {
        const session = new TelnetSession();
        session.receive([IAC, WILL, OPTION.ECHO]);
        assert.deepEqual(list(session.receive([IAC, WILL, OPTION.ECHO]).reply), []);
        assert.deepEqual(list(session.receive([IAC, WONT, OPTION.ECHO]).reply),
            [IAC, DONT, OPTION.ECHO]);
        assert.equal(session.serverEchoes, false);
        assert.deepEqual(list(session.receive([IAC, WONT, OPTION.ECHO]).reply), []);
        assert.deepEqual(list(session.receive([IAC, DONT, OPTION.NAWS]).reply), [],
            'DONT for an option that is off');
    });

    it('refuses options it does not implement, on both sides', () => {
        const session = new TelnetSession();
        const offers = [IAC, WILL, OPTION.STATUS, IAC, DO, OPTION.TSPEED, IAC, DO,
            OPTION.NEW_ENVIRON, IAC, DO, OPTION.XDISPLOC, IAC, DO, OPTION.LINEMODE];
        assert.deepEqual(list(session.receive(offers).reply), [
            IAC, DONT, OPTION.STATUS, IAC, WONT, OPTION.TSPEED, IAC, WONT, OPTION.NEW_ENVIRON,
            IAC, WONT, OPTION.XDISPLOC, IAC, WONT, OPTION.LINEMODE]);
    });

    it('agrees to TTYPE and sends the terminal type on SEND (RFC 1091)', () => {
        const session = new TelnetSession({ terminalType: 'vt100' });
        assert.deepEqual(list(session.receive([IAC, DO, OPTION.TTYPE]).reply),
            [IAC, WILL, OPTION.TTYPE]);
        const { reply } = session.receive([IAC, SB, OPTION.TTYPE, 1, IAC, SE]);
        assert.deepEqual(list(reply), [IAC, SB, OPTION.TTYPE, 0, ...ascii('vt100'), IAC, SE]);
    });

    it('does not answer TTYPE SEND before TTYPE was agreed', () => {
        const session = new TelnetSession();
        assert.deepEqual(list(session.receive([IAC, SB, OPTION.TTYPE, 1, IAC, SE]).reply), []);
    });

    it('agrees to NAWS and reports the window size at once (RFC 1073)', () => {
        const session = new TelnetSession({ columns: 80, rows: 24 });
        const { reply } = session.receive([IAC, DO, OPTION.NAWS]);
        assert.deepEqual(list(reply),
            [IAC, WILL, OPTION.NAWS, IAC, SB, OPTION.NAWS, 0, 80, 0, 24, IAC, SE]);
    });

    it('reports resizes only while NAWS is on, doubling 255 bytes', () => {
        const session = new TelnetSession();
        assert.deepEqual(list(session.resize(100, 30)), [], 'NAWS not agreed yet');
        session.receive([IAC, DO, OPTION.NAWS]);
        assert.deepEqual(list(session.resize(255, 256 + 255)),
            [IAC, SB, OPTION.NAWS, 0, IAC, IAC, 1, IAC, IAC, IAC, SE]);
        assert.deepEqual(list(session.receive([IAC, DONT, OPTION.NAWS]).reply),
            [IAC, WONT, OPTION.NAWS]);
        assert.deepEqual(list(session.resize(80, 24)), []);
    });

    it('keeps IAC inside a subnegotiation as a literal byte', () => {
        const session = new TelnetSession();
        session.receive([IAC, DO, OPTION.TTYPE]);
        // An unknown subnegotiation with an escaped 255 inside: ignored, and the data after it
        // is not eaten.
        const { data, reply } = session.receive([IAC, SB, 99, IAC, IAC, 1, IAC, SE, 0x5a]);
        assert.deepEqual(list(data), [0x5a]);
        assert.deepEqual(list(reply), []);
    });
});

describe('TelnetSession input', () => {
    it('doubles IAC and sends a bare CR as CR NUL, keeping CR LF', () => {
        const session = new TelnetSession();
        assert.deepEqual(list(session.encodeInput([0x61, 255, 0x62])), [0x61, 255, 255, 0x62]);
        assert.deepEqual(list(session.encodeInput(ascii('ls\r'))), [...ascii('ls\r'), 0]);
        assert.deepEqual(list(session.encodeInput(ascii('ls\r\n'))), ascii('ls\r\n'));
    });
});
