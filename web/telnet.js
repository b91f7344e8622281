/**
 * The telnet protocol for a terminal client, with no I/O: bytes from the server go in, bytes
 * for the terminal and replies for the server come out.
 *
 * Covers RFC 854 (NVT, IAC commands, option negotiation), RFC 857 ECHO, RFC 858 SUPPRESS-GO-AHEAD,
 * RFC 1091 TERMINAL-TYPE and RFC 1073 NAWS (window size). Every other option is refused.
 *
 * @module telnet
 */

/** RFC 854 command bytes, each following IAC. */
export const COMMAND = Object.freeze({
    SE: 240, // end of subnegotiation
    NOP: 241,
    DM: 242, // data mark
    BRK: 243,
    IP: 244, // interrupt process
    AO: 245, // abort output
    AYT: 246, // are you there
    EC: 247, // erase character
    EL: 248, // erase line
    GA: 249, // go ahead
    SB: 250, // begin subnegotiation
    WILL: 251,
    WONT: 252,
    DO: 253,
    DONT: 254,
    IAC: 255, // interpret as command
});

/** Option codes (IANA "Telnet Options" registry). */
export const OPTION = Object.freeze({
    BINARY: 0,
    ECHO: 1,
    SGA: 3, // suppress go-ahead
    STATUS: 5,
    TIMING_MARK: 6,
    TTYPE: 24, // terminal type
    NAWS: 31, // negotiate about window size
    TSPEED: 32,
    LFLOW: 33,
    LINEMODE: 34,
    XDISPLOC: 35,
    NEW_ENVIRON: 39,
});

/** RFC 1091 subnegotiation codes of TERMINAL-TYPE. */
const TTYPE_IS = 0;
const TTYPE_SEND = 1;

const { IAC, SB, SE, WILL, WONT, DO, DONT } = COMMAND;
const CR = 13;
const LF = 10;
const NUL = 0;

/** Options the server may perform (it says WILL, we agree with DO). */
const SERVER_OPTIONS = new Set([OPTION.ECHO, OPTION.SGA]);
/** Options we perform when the server asks (it says DO, we agree with WILL). */
const CLIENT_OPTIONS = new Set([OPTION.TTYPE, OPTION.NAWS, OPTION.SGA]);

/** Parser states. */
const STATE = Object.freeze({
    DATA: 0,
    COMMAND: 1, // after IAC
    OPTION: 2, // after IAC WILL/WONT/DO/DONT
    SUBNEGOTIATION: 3, // inside IAC SB ... IAC SE
    SUBNEGOTIATION_IAC: 4, // IAC seen inside a subnegotiation
});

/**
 * @typedef {object} ReceiveResult
 * @property {Uint8Array} data bytes for the terminal
 * @property {Uint8Array} reply bytes to send back to the server (may be empty)
 */

/**
 * One telnet connection's protocol state.
 *
 * Negotiation never loops: like RFC 1143 asks, a request is answered only when it changes
 * an option's state, so a request for a state already in effect gets no reply.
 */
export class TelnetSession {
    /**
     * @param {object} [options]
     * @param {string} [options.terminalType] sent on TTYPE SEND (RFC 1091)
     * @param {number} [options.columns] initial window width for NAWS
     * @param {number} [options.rows] initial window height for NAWS
     */
    constructor({ terminalType = 'xterm-256color', columns = 80, rows = 24 } = {}) {
        this._terminalType = terminalType;
        this._columns = columns;
        this._rows = rows;
        this._serverEnabled = new Set(); // options the server performs
        this._clientEnabled = new Set(); // options we perform
        this._state = STATE.DATA;
        this._verb = 0; // WILL/WONT/DO/DONT awaiting its option byte
        this._subnegotiation = [];
        this._afterCR = false;
    }

    /** True when the server echoes what we type, so the terminal must not echo locally. */
    get serverEchoes() {
        return this._serverEnabled.has(OPTION.ECHO);
    }

    /**
     * Whether an option is on.
     * @param {number} option
     * @param {'server'|'client'} side who performs it
     */
    isEnabled(option, side) {
        return (side === 'server' ? this._serverEnabled : this._clientEnabled).has(option);
    }

    /**
     * Parses bytes from the server. Commands may be split across calls anywhere.
     * @param {Uint8Array|ArrayLike<number>} bytes
     * @returns {ReceiveResult}
     */
    receive(bytes) {
        const data = [];
        const reply = [];
        for (const byte of bytes) {
            this._step(byte, data, reply);
        }
        return { data: Uint8Array.from(data), reply: Uint8Array.from(reply) };
    }

    _step(byte, data, reply) {
        switch (this._state) {
        case STATE.DATA:
            if (byte === IAC) {
                this._state = STATE.COMMAND;
            } else {
                this._pushData(byte, data);
            }
            return;
        case STATE.COMMAND:
            this._state = STATE.DATA;
            if (byte === IAC) {
                this._pushData(IAC, data); // IAC IAC is a literal 255
            } else if (byte >= WILL && byte <= DONT) {
                this._verb = byte;
                this._state = STATE.OPTION;
            } else if (byte === SB) {
                this._subnegotiation = [];
                this._state = STATE.SUBNEGOTIATION;
            }
            // NOP, GA, DM and the other single commands carry nothing a terminal shows.
            return;
        case STATE.OPTION:
            this._state = STATE.DATA;
            this._negotiate(this._verb, byte, reply);
            return;
        case STATE.SUBNEGOTIATION:
            if (byte === IAC) {
                this._state = STATE.SUBNEGOTIATION_IAC;
            } else {
                this._subnegotiation.push(byte);
            }
            return;
        case STATE.SUBNEGOTIATION_IAC:
            if (byte === IAC) {
                this._subnegotiation.push(IAC);
                this._state = STATE.SUBNEGOTIATION;
                return;
            }
            // IAC SE ends it; any other command there is a protocol error that we treat as the
            // end too, rather than swallowing the rest of the stream.
            this._state = STATE.DATA;
            this._subnegotiate(this._subnegotiation, reply);
            return;
        default:
            throw new Error(`telnet: bad parser state ${this._state}`);
        }
    }

    _pushData(byte, data) {
        // RFC 854 NVT: a bare carriage return is sent as CR NUL; the NUL is padding.
        const skip = this._afterCR && byte === NUL;
        this._afterCR = byte === CR;
        if (!skip) {
            data.push(byte);
        }
    }

    _negotiate(verb, option, reply) {
        switch (verb) {
        case WILL:
            if (!SERVER_OPTIONS.has(option)) {
                reply.push(IAC, DONT, option);
            } else if (!this._serverEnabled.has(option)) {
                this._serverEnabled.add(option);
                reply.push(IAC, DO, option);
            }
            return;
        case WONT:
            if (this._serverEnabled.delete(option)) {
                reply.push(IAC, DONT, option);
            }
            return;
        case DO:
            if (!CLIENT_OPTIONS.has(option)) {
                reply.push(IAC, WONT, option);
            } else if (!this._clientEnabled.has(option)) {
                this._clientEnabled.add(option);
                reply.push(IAC, WILL, option);
                if (option === OPTION.NAWS) {
                    // RFC 1073: the client reports its size as soon as NAWS is agreed.
                    reply.push(...this._windowSize());
                }
            }
            return;
        case DONT:
            if (this._clientEnabled.delete(option)) {
                reply.push(IAC, WONT, option);
            }
            return;
        default:
            throw new Error(`telnet: ${verb} is not a negotiation verb`);
        }
    }

    _subnegotiate([option, ...body], reply) {
        if (option === OPTION.TTYPE && body[0] === TTYPE_SEND
            && this._clientEnabled.has(OPTION.TTYPE)) {
            const name = Array.from(this._terminalType, (c) => c.charCodeAt(0) & 0x7f);
            reply.push(IAC, SB, OPTION.TTYPE, TTYPE_IS, ...name, IAC, SE);
        }
    }

    _windowSize() {
        const fields = [
            this._columns >> 8, this._columns & 0xff, this._rows >> 8, this._rows & 0xff,
        ];
        // A size byte of 255 must be doubled, like any IAC inside a subnegotiation.
        const escaped = fields.flatMap((byte) => (byte === IAC ? [IAC, IAC] : [byte]));
        return [IAC, SB, OPTION.NAWS, ...escaped, IAC, SE];
    }

    /**
     * Records a new window size.
     * @param {number} columns
     * @param {number} rows
     * @returns {Uint8Array} the NAWS report to send, empty if NAWS is not agreed
     */
    resize(columns, rows) {
        this._columns = columns;
        this._rows = rows;
        return Uint8Array.from(this._clientEnabled.has(OPTION.NAWS) ? this._windowSize() : []);
    }

    /**
     * Encodes keyboard input for the wire (RFC 854): 255 is doubled, and a carriage return
     * not followed by a line feed becomes CR NUL, as a bare CR must be sent.
     * @param {Uint8Array|ArrayLike<number>} bytes
     * @returns {Uint8Array}
     */
    encodeInput(bytes) {
        const out = [];
        for (let i = 0; i < bytes.length; i++) {
            const byte = bytes[i];
            out.push(byte);
            if (byte === IAC) {
                out.push(IAC);
            } else if (byte === CR && bytes[i + 1] !== LF) {
                out.push(NUL);
            }
        }
        return Uint8Array.from(out);
    }
}
