import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseLine } from '../../../web/irc.js';
import { IrcSession } from '../../../web/irc_session.js';

const handle = (session, line) => session.handle(parseLine(line));

describe('IrcSession registration', () => {
    it('starts with NICK and USER', () => {
        const session = new IrcSession({ nick: 'alice', realName: 'Alice A' });
        assert.deepEqual(session.start(), ['NICK alice', 'USER alice 0 * :Alice A']);
    });

    it('joins its channel once welcomed, and takes the nick the server confirms', () => {
        const session = new IrcSession({ nick: 'alice', channel: '#test' });
        const outcome = handle(session, ':irc.test 001 alice :Welcome to the test network');
        assert.deepEqual(outcome.send, ['JOIN #test']);
        assert.equal(outcome.show, '*** Welcome to the test network');
        assert.equal(session.registered, true);
    });

    it('joins nothing when no channel was given', () => {
        const session = new IrcSession({ nick: 'alice' });
        assert.deepEqual(handle(session, ':irc.test 001 alice :hi').send, []);
    });

    it('tries another nick while the chosen one is taken during registration', () => {
        const session = new IrcSession({ nick: 'alice' });
        const outcome = handle(session, ':irc.test 433 * alice :Nickname already in use');
        assert.deepEqual(outcome.send, ['NICK alice_']);
        assert.equal(session.nick, 'alice_');
        handle(session, ':irc.test 001 alice_ :hi');
        assert.deepEqual(handle(session, ':irc.test 433 alice_ bob :in use').send, [],
            'after registration a taken nick is only reported');
    });
});

describe('IrcSession messages', () => {
    it('answers PING with PONG carrying the same token', () => {
        const session = new IrcSession({ nick: 'a' });
        assert.deepEqual(handle(session, 'PING :irc.test').send, ['PONG irc.test']);
        assert.deepEqual(handle(session, 'PING :token with space').send,
            ['PONG :token with space']);
        assert.equal(handle(session, 'PING x').show, null);
    });

    it('shows channel messages, actions, notices, joins, parts, quits and nick changes', () => {
        const session = new IrcSession({ nick: 'alice', channel: '#c' });
        const show = (line) => handle(session, line).show;
        assert.equal(show(':bob!b@h PRIVMSG #c :hi alice'), '#c: <bob> hi alice');
        assert.equal(show(':bob!b@h PRIVMSG #c :\x01ACTION waves\x01'), '#c: * bob waves');
        assert.equal(show(':irc.test NOTICE * :Looking up your hostname'),
            '-irc.test- Looking up your hostname');
        assert.equal(show(':bob!b@h JOIN #c'), '*** bob joined #c');
        assert.equal(show(':bob!b@h PART #c :bye'), '*** bob left #c');
        assert.equal(show(':bob!b@h QUIT :Client quit'), '*** bob quit (Client quit)');
        assert.equal(show(':alice!a@h NICK alicia'), '*** alice is now alicia');
        assert.equal(session.nick, 'alicia');
        assert.equal(show(':irc.test 372 alice :- message of the day'), '*** - message of the day');
        assert.equal(show(':irc.test 353 alice = #c :alice @bob'), '*** = #c alice @bob');
        assert.equal(show(':irc.test CAP * LS :x'), null);
        assert.equal(show('ERROR :Closing link'), '*** error: Closing link');
    });

    it('follows its own JOIN to set the current channel', () => {
        const session = new IrcSession({ nick: 'alice' });
        handle(session, ':alice!a@h JOIN #other');
        assert.equal(session.channel, '#other');
        handle(session, ':bob!b@h JOIN #third');
        assert.equal(session.channel, '#other');
    });
});

describe('IrcSession input', () => {
    const joined = () => new IrcSession({ nick: 'alice', channel: '#c' });

    it('says plain text to the current channel', () => {
        assert.deepEqual(joined().input('hello world'),
            { send: ['PRIVMSG #c :hello world'], show: '#c: <alice> hello world' });
    });

    it('understands /join, /msg, /me, /nick, /quit and /quote', () => {
        const session = joined();
        assert.deepEqual(session.input('/join #new').send, ['JOIN #new']);
        assert.deepEqual(session.input('/msg bob hi there').send, ['PRIVMSG bob :hi there']);
        assert.deepEqual(session.input('/me waves').send, ['PRIVMSG #c :\x01ACTION waves\x01']);
        assert.deepEqual(session.input('/NICK al').send, ['NICK al']);
        assert.deepEqual(session.input('/quit').send, ['QUIT leaving']);
        assert.deepEqual(session.input('/quit gone home').send, ['QUIT :gone home']);
        assert.deepEqual(session.input('/quote MODE #c +t').send, ['MODE #c +t']);
    });

    it('refuses unknown commands and text with no channel', () => {
        assert.throws(() => joined().input('/frobnicate'), /unknown command/);
        assert.throws(() => new IrcSession({ nick: 'a' }).input('hi'), /no channel/);
    });
});
