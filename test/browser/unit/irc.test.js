import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { LineBuffer, encodeLine, formatLine, nickOf, parseLine } from '../../../web/irc.js';

describe('parseLine', () => {
    it('reads prefix, command, middle and trailing parameters (RFC 1459 §2.3.1)', () => {
        const message = parseLine(':alice!al@example.org PRIVMSG #chat :hello there  world');
        assert.equal(message.prefix, 'alice!al@example.org');
        assert.equal(message.nick, 'alice');
        assert.equal(message.command, 'PRIVMSG');
        assert.deepEqual(message.params, ['#chat', 'hello there  world']);
    });

    it('reads a line with no prefix, and upper-cases the command', () => {
        const message = parseLine('ping :irc.example.net');
        assert.equal(message.prefix, '');
        assert.equal(message.nick, '');
        assert.equal(message.command, 'PING');
        assert.deepEqual(message.params, ['irc.example.net']);
    });

    it('reads numerics with several middle parameters', () => {
        const message = parseLine(':irc.test 353 bob = #chat :@alice bob');
        assert.equal(message.nick, '', 'a server name is not a nick');
        assert.equal(message.command, '353');
        assert.deepEqual(message.params, ['bob', '=', '#chat', '@alice bob']);
    });

    it('keeps an empty trailing parameter and a colon inside one', () => {
        assert.deepEqual(parseLine('TOPIC #a :').params, ['#a', '']);
        assert.deepEqual(parseLine('PRIVMSG #a :time: 12:00').params, ['#a', 'time: 12:00']);
        assert.deepEqual(parseLine('MODE #a +o alice').params, ['#a', '+o', 'alice']);
    });

    it('tolerates repeated spaces and a trailing CR LF', () => {
        const message = parseLine(':n!u@h  JOIN   #chat\r\n');
        assert.equal(message.command, 'JOIN');
        assert.deepEqual(message.params, ['#chat']);
    });

    it('reads IRCv3 tags', () => {
        const message = parseLine('@time=2024-01-01T00:00:00Z;bot :n!u@h PRIVMSG #c :hi');
        assert.deepEqual(message.tags, { time: '2024-01-01T00:00:00Z', bot: '' });
        assert.equal(message.command, 'PRIVMSG');
    });

    it('rejects a line without a command', () => {
        assert.throws(() => parseLine(':only.a.prefix'), SyntaxError);
        assert.throws(() => parseLine(''), SyntaxError);
    });
});

describe('nickOf', () => {
    it('finds the nick in user prefixes and not in server names', () => {
        assert.equal(nickOf('bob!b@host'), 'bob');
        assert.equal(nickOf('bob@host'), 'bob');
        assert.equal(nickOf('bob'), 'bob');
        assert.equal(nickOf('irc.example.net'), '');
    });
});

describe('formatLine', () => {
    it('puts a colon before a trailing parameter only when needed', () => {
        assert.equal(formatLine('NICK', 'alice'), 'NICK alice');
        assert.equal(formatLine('PRIVMSG', '#c', 'hello world'), 'PRIVMSG #c :hello world');
        assert.equal(formatLine('PRIVMSG', '#c', ':)'), 'PRIVMSG #c ::)');
        assert.equal(formatLine('TOPIC', '#c', ''), 'TOPIC #c :');
        assert.equal(formatLine('USER', 'u', '0', '*', 'Real Name'), 'USER u 0 * :Real Name');
    });

    it('round-trips through parseLine', () => {
        const params = ['#c', 'say: a b  c'];
        assert.deepEqual(parseLine(formatLine('PRIVMSG', ...params)).params, params);
    });

    it('refuses CR, LF and NUL, which would inject commands', () => {
        assert.throws(() => formatLine('PRIVMSG', '#c', 'hi\r\nQUIT'), TypeError);
        assert.throws(() => formatLine('PRIVMSG', '#c', 'a\0b'), TypeError);
    });

    it('refuses a middle parameter that needs a colon', () => {
        assert.throws(() => formatLine('PRIVMSG', 'two words', 'text'), TypeError);
    });
});

describe('LineBuffer', () => {
    const bytes = (text) => new TextEncoder().encode(text);

    it('returns complete lines only, keeping the partial one', () => {
        const buffer = new LineBuffer();
        assert.deepEqual(buffer.push(bytes('PING :a\r\nPRIV')), ['PING :a']);
        assert.deepEqual(buffer.push(bytes('MSG #c :x\r\n')), ['PRIVMSG #c :x']);
        assert.deepEqual(buffer.push(bytes('')), []);
    });

    it('accepts bare LF line ends and drops empty lines', () => {
        const buffer = new LineBuffer();
        assert.deepEqual(buffer.push(bytes('A\nB\r\n\r\nC\n')), ['A', 'B', 'C']);
    });

    it('handles a CR LF split between chunks', () => {
        const buffer = new LineBuffer();
        assert.deepEqual(buffer.push(bytes('A\r')), []);
        assert.deepEqual(buffer.push(bytes('\nB\r\n')), ['A', 'B']);
    });

    it('decodes a UTF-8 character split between chunks', () => {
        const buffer = new LineBuffer();
        const line = bytes('PRIVMSG #c :héllo\r\n');
        const split = line.indexOf(0xc3) + 1; // between the two bytes of é
        assert.deepEqual(buffer.push(line.subarray(0, split)), []);
        assert.deepEqual(buffer.push(line.subarray(split)), ['PRIVMSG #c :héllo']);
    });

    it('replaces invalid UTF-8 instead of failing', () => {
        const buffer = new LineBuffer();
        assert.deepEqual(buffer.push(Uint8Array.from([0x41, 0xff, 0x42, 0x0a])), ['A\ufffdB']);
    });
});

describe('encodeLine', () => {
    it('encodes UTF-8 and appends CR LF', () => {
        assert.deepEqual([...encodeLine('A é')], [0x41, 0x20, 0xc3, 0xa9, 0x0d, 0x0a]);
    });
});
