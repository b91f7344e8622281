/**
 * What a small IRC client does, with no I/O: registration (NICK/USER), joining a channel once
 * the server welcomes us, answering PING, and turning typed input into commands. Lines come in
 * parsed (see irc.js); lines to send go out as strings without CR LF.
 *
 * @module irc_session
 */

import { formatLine } from './irc.js';

/** Numerics this client reacts to (RFC 2812 §5). */
const RPL_WELCOME = '001';
const ERR_NICKNAMEINUSE = '433';

/**
 * @typedef {object} Outcome
 * @property {string[]} send lines for the server
 * @property {string|null} show a line for the user, or null
 */

export class IrcSession {
    /**
     * @param {object} options
     * @param {string} options.nick
     * @param {string} [options.user] user name for USER (default: the nick)
     * @param {string} [options.realName]
     * @param {string} [options.channel] joined once registered; '' for none
     */
    constructor({ nick, user = nick, realName = 'websockify wsirc', channel = '' }) {
        this.nick = nick;
        this.channel = channel;
        this.registered = false;
        this._user = user;
        this._realName = realName;
    }

    /**
     * The registration lines (RFC 1459 §4.1), sent once connected.
     * @returns {string[]}
     */
    start() {
        return [
            formatLine('NICK', this.nick),
            // "0 *": no user modes and an unused server field (RFC 2812 §3.1.3).
            formatLine('USER', this._user, '0', '*', this._realName),
        ];
    }

    /**
     * Reacts to one message from the server.
     * @param {import('./irc.js').IrcMessage} message
     * @returns {Outcome}
     */
    handle(message) {
        const { command, params, nick } = message;
        const last = params[params.length - 1] ?? '';
        switch (command) {
        case 'PING':
            // The server drops clients that do not answer; the token goes back unchanged.
            return { send: [formatLine('PONG', ...params)], show: null };
        case RPL_WELCOME:
            this.registered = true;
            this.nick = params[0] ?? this.nick;
            return {
                send: this.channel ? [formatLine('JOIN', this.channel)] : [],
                show: `*** ${last}`,
            };
        case ERR_NICKNAMEINUSE:
            if (this.registered) {
                return { send: [], show: `*** nick ${params[1]} is in use` };
            }
            // Still registering: without a nick the server never welcomes us, so try another.
            this.nick = `${this.nick}_`;
            return {
                send: [formatLine('NICK', this.nick)],
                show: `*** nick in use, trying ${this.nick}`,
            };
        case 'PRIVMSG':
            return { send: [], show: formatChat(nick, params[0], last) };
        case 'NOTICE':
            return { send: [], show: `-${nick || message.prefix}- ${last}` };
        case 'JOIN':
            if (nick === this.nick) {
                this.channel = params[0];
            }
            return { send: [], show: `*** ${nick} joined ${params[0]}` };
        case 'PART':
            return { send: [], show: `*** ${nick} left ${params[0]}` };
        case 'QUIT':
            return { send: [], show: `*** ${nick} quit (${last})` };
        case 'NICK':
            if (nick === this.nick) {
                this.nick = params[0];
            }
            return { send: [], show: `*** ${nick} is now ${params[0]}` };
        case 'ERROR':
            return { send: [], show: `*** error: ${last}` };
        default:
            // A numeric's first parameter is our own nick; the rest is for the user.
            if (/^\d{3}$/.test(command)) {
                return { send: [], show: `*** ${params.slice(1).join(' ')}` };
            }
            return { send: [], show: null };
        }
    }

    /**
     * Turns a line typed by the user into a line for the server.
     *
     * `/join #chan`, `/msg nick text`, `/me action`, `/nick name`, `/quit [reason]`,
     * `/quote RAW LINE`; anything else is said to the current channel.
     * @param {string} text
     * @returns {Outcome}
     * @throws {Error} for an unknown command or text with no channel to say it to
     */
    input(text) {
        const command = /^\/(\S+)\s*(.*)$/s.exec(text);
        if (!command) {
            return this._say(this.channel, text);
        }
        const [, name, rest] = command;
        const [first = '', ...more] = rest.split(' ');
        switch (name.toLowerCase()) {
        case 'join':
            return { send: [formatLine('JOIN', first)], show: null };
        case 'msg':
            return this._say(first, more.join(' '));
        case 'me':
            // CTCP ACTION: the text framed by \x01 bytes.
            return {
                send: [formatLine('PRIVMSG', this._requireChannel(), `\x01ACTION ${rest}\x01`)],
                show: `* ${this.nick} ${rest}`,
            };
        case 'nick':
            return { send: [formatLine('NICK', first)], show: null };
        case 'quit':
            return { send: [formatLine('QUIT', rest || 'leaving')], show: null };
        case 'quote':
            return { send: [rest], show: null };
        default:
            throw new Error(`unknown command /${name}`);
        }
    }

    _say(target, text) {
        const to = target || this._requireChannel();
        return { send: [formatLine('PRIVMSG', to, text)], show: formatChat(this.nick, to, text) };
    }

    _requireChannel() {
        if (!this.channel) {
            throw new Error('no channel joined: use /join #channel');
        }
        return this.channel;
    }
}

function formatChat(from, target, text) {
    const action = /^\x01ACTION (.*)\x01$/s.exec(text);
    if (action) {
        return `${target}: * ${from} ${action[1]}`;
    }
    return `${target}: <${from}> ${text}`;
}
