/**
 * IRC message lines (RFC 1459 §2.3, with RFC 2812's numerics), with no I/O: parsing,
 * formatting, and cutting a byte stream into lines.
 *
 * @module irc
 */

/** RFC 1459 §2.3: a message is at most 512 bytes, CR LF included. */
export const MAX_LINE_BYTES = 512;

/**
 * @typedef {object} IrcMessage
 * @property {Object<string, string>} tags IRCv3 message tags (empty when none)
 * @property {string} prefix the source as sent (`nick!user@host` or a server name), or ''
 * @property {string} nick the nick part of the prefix ('' for none)
 * @property {string} command upper-cased command or three-digit numeric
 * @property {string[]} params middle parameters, then the trailing one
 */

/**
 * Parses one line (without its CR LF).
 *
 * ```
 * [ '@' tags SPACE ] [ ':' prefix SPACE ] command { SPACE middle } [ SPACE ':' trailing ]
 * ```
 * @param {string} line
 * @returns {IrcMessage}
 * @throws {SyntaxError} on a line with no command
 */
export function parseLine(line) {
    let rest = line.replace(/[\r\n]+$/, '');
    const tags = {};
    if (rest.startsWith('@')) {
        const [tagText, remainder] = splitOnce(rest.slice(1));
        for (const tag of tagText.split(';').filter(Boolean)) {
            const [key, value = ''] = tag.split(/=(.*)/s);
            tags[key] = value;
        }
        rest = remainder;
    }
    let prefix = '';
    if (rest.startsWith(':')) {
        [prefix, rest] = splitOnce(rest.slice(1));
    }
    const [command, paramText] = splitOnce(rest);
    if (!command) {
        throw new SyntaxError(`IRC line without a command: ${JSON.stringify(line)}`);
    }
    return {
        tags,
        prefix,
        nick: nickOf(prefix),
        command: command.toUpperCase(),
        params: parseParams(paramText),
    };
}

/** Splits at the first run of spaces: [before, after]. */
function splitOnce(text) {
    const trimmed = text.replace(/^ +/, '');
    const space = trimmed.indexOf(' ');
    if (space < 0) {
        return [trimmed, ''];
    }
    return [trimmed.slice(0, space), trimmed.slice(space + 1).replace(/^ +/, '')];
}

function parseParams(text) {
    const params = [];
    let rest = text;
    while (rest !== '') {
        if (rest.startsWith(':')) {
            params.push(rest.slice(1)); // the trailing parameter may hold spaces
            break;
        }
        const [middle, after] = splitOnce(rest);
        params.push(middle);
        rest = after;
    }
    return params;
}

/**
 * The nick of a `nick!user@host` prefix; '' for a server name (it holds a dot and no '!').
 * @param {string} prefix
 * @returns {string}
 */
export function nickOf(prefix) {
    if (prefix.includes('!') || prefix.includes('@')) {
        return prefix.split(/[!@]/)[0];
    }
    return prefix.includes('.') ? '' : prefix;
}

/**
 * Builds a line (without CR LF). The last parameter becomes the trailing one (`:` added) when
 * it is empty, starts with ':' or holds a space.
 * @param {string} command
 * @param {...string} params
 * @returns {string}
 * @throws {TypeError} on CR, LF or NUL anywhere (they would inject another command) or a
 *   middle parameter that could not be read back
 */
export function formatLine(command, ...params) {
    const parts = [command];
    params.forEach((param, index) => {
        const text = String(param);
        if (/[\r\n\0]/.test(text)) {
            throw new TypeError(`IRC parameter with CR, LF or NUL: ${JSON.stringify(text)}`);
        }
        const last = index === params.length - 1;
        const needsColon = text === '' || text.startsWith(':') || text.includes(' ');
        if (needsColon && !last) {
            throw new TypeError(`IRC middle parameter ${JSON.stringify(text)} must be the last`);
        }
        parts.push(needsColon ? `:${text}` : text);
    });
    return parts.join(' ');
}

/**
 * Cuts a byte stream into lines. IRC has no declared charset; UTF-8 is what clients send
 * today, and invalid bytes become U+FFFD rather than stopping the client.
 */
export class LineBuffer {
    constructor() {
        this._decoder = new TextDecoder('utf-8');
        this._pending = '';
    }

    /**
     * @param {Uint8Array} bytes the next bytes of the stream
     * @returns {string[]} the lines completed by them, without line ends; empty lines dropped
     */
    push(bytes) {
        // stream: true keeps a multi-byte character split between two chunks intact.
        this._pending += this._decoder.decode(bytes, { stream: true });
        // RFC 1459 says CR LF; many servers also end lines with a bare LF.
        const pieces = this._pending.split(/\r?\n/);
        this._pending = pieces.pop();
        return pieces.map((line) => line.replace(/\r$/, '')).filter((line) => line !== '');
    }
}

/**
 * Encodes a line for sending: UTF-8, with CR LF.
 * @param {string} line without line end
 * @returns {Uint8Array}
 */
export function encodeLine(line) {
    return new TextEncoder().encode(`${line}\r\n`);
}
