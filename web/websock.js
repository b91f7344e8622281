/**
 * Websock: the browser WebSocket as a byte stream, with a receive queue to read binary
 * protocols (VNC, telnet, IRC) field by field, and a send queue.
 *
 * websockify relays raw bytes. It speaks the `binary` subprotocol (bytes in binary frames)
 * and, for old clients, `base64` (bytes base64-coded in text frames). Websock offers both,
 * `binary` first, and decodes whichever the server picked, so callers only ever see bytes.
 *
 * Multi-byte integers are big-endian (network order), as in every protocol websockify carries.
 *
 * @module websock
 */

/** Subprotocols offered by default, most preferred first. */
export const DEFAULT_PROTOCOLS = Object.freeze(['binary', 'base64']);

/** The WebSocket readyState value for an open connection (the same in browsers and Node). */
const OPEN = 1;

const INITIAL_QUEUE_SIZE = 4096;

/**
 * @typedef {object} WebsockOptions
 * @property {typeof WebSocket} [WebSocketClass] the WebSocket constructor to use; tests pass
 *   a fake, browsers use the global one.
 */

/**
 * A WebSocket carrying a byte stream.
 *
 * Events (subscribe with {@link Websock#on}):
 * - `open`: the connection is up; `protocol` tells the subprotocol chosen.
 * - `message`: new bytes are in the receive queue; read them with the `rQ*` methods.
 * - `close`: `{code, reason, wasClean}`.
 * - `error`: the underlying WebSocket reported an error (a `close` follows).
 */
export class Websock {
    /** @param {WebsockOptions} [options] */
    constructor({ WebSocketClass = globalThis.WebSocket } = {}) {
        this._WebSocketClass = WebSocketClass;
        this._socket = null;
        this._handlers = { open: [], message: [], close: [], error: [] };
        this._rQ = new Uint8Array(INITIAL_QUEUE_SIZE);
        this._rQstart = 0; // index of the next unread byte
        this._rQend = 0; // index one past the last received byte
        this._sQ = [];
    }

    // --- connection -----------------------------------------------------------------------

    /**
     * Opens a connection; bytes queued with {@link Websock#queue} before it is up go out on open.
     * @param {string} url `ws://` or `wss://` URL
     * @param {string[]} [protocols] subprotocols to offer, most preferred first
     */
    open(url, protocols = DEFAULT_PROTOCOLS) {
        if (this._socket) {
            throw new Error('Websock.open: already open; close() first');
        }
        this._rQstart = 0;
        this._rQend = 0;
        const socket = new this._WebSocketClass(url, [...protocols]);
        // Without this, browsers deliver binary frames as Blobs, which can only be read
        // asynchronously and could reorder the stream.
        socket.binaryType = 'arraybuffer';
        socket.onopen = () => {
            this._emit('open', { protocol: this.protocol });
            this.flush();
        };
        socket.onmessage = (event) => this._receive(event.data);
        socket.onerror = (event) => this._emit('error', event);
        socket.onclose = (event) => {
            this._socket = null;
            this._emit('close', {
                code: event.code,
                reason: event.reason,
                wasClean: event.wasClean,
            });
        };
        this._socket = socket;
    }

    /**
     * Starts the closing handshake. Safe to call when not connected.
     * @param {number} [code] RFC 6455 §7.4 status code (1000 or 3000-4999 from a browser)
     * @param {string} [reason]
     */
    close(code, reason) {
        if (!this._socket) {
            return;
        }
        if (code === undefined) {
            this._socket.close();
        } else {
            this._socket.close(code, reason);
        }
    }

    /** True while the WebSocket is open and can send. */
    get isOpen() {
        return this._socket !== null && this._socket.readyState === OPEN;
    }

    /** The subprotocol the server chose (`binary`, `base64` or '' for none). */
    get protocol() {
        return this._socket ? this._socket.protocol : '';
    }

    /**
     * Adds an event handler.
     * @param {'open'|'message'|'close'|'error'} name
     * @param {(detail: any) => void} handler
     * @returns {() => void} a function that removes the handler again
     */
    on(name, handler) {
        const list = this._handlers[name];
        if (!list) {
            throw new Error(`Websock.on: unknown event '${name}'`);
        }
        list.push(handler);
        return () => {
            const at = list.indexOf(handler);
            if (at >= 0) {
                list.splice(at, 1);
            }
        };
    }

    _emit(name, detail) {
        for (const handler of [...this._handlers[name]]) {
            handler(detail);
        }
    }

    // --- sending --------------------------------------------------------------------------

    /**
     * Appends bytes to the send queue without sending them.
     * @param {Uint8Array|ArrayLike<number>} bytes values 0-255
     */
    queue(bytes) {
        this._sQ.push(Uint8Array.from(bytes));
    }

    /**
     * Sends everything queued, as one WebSocket message.
     * @returns {boolean} false if the socket is not open (the data stays queued)
     */
    flush() {
        if (!this.isOpen) {
            return false;
        }
        if (this._sQ.length === 0) {
            return true;
        }
        const bytes = concatenate(this._sQ);
        this._sQ = [];
        if (this.protocol === 'base64') {
            this._socket.send(bytesToBase64(bytes));
        } else {
            this._socket.send(bytes);
        }
        return true;
    }

    /**
     * Queues bytes and sends the queue.
     * @param {Uint8Array|ArrayLike<number>} bytes
     * @returns {boolean} as {@link Websock#flush}
     */
    send(bytes) {
        this.queue(bytes);
        return this.flush();
    }

    /**
     * Sends a "binary string": each character's code (0-255) is one byte, the counterpart of
     * {@link Websock#rQshiftStr}. Encode text with TextEncoder and use send() for UTF-8.
     * @param {string} text
     * @returns {boolean} as {@link Websock#flush}
     */
    sendString(text) {
        return this.send(binaryStringToBytes(text));
    }

    // --- receive queue --------------------------------------------------------------------

    _receive(data) {
        let bytes;
        if (typeof data === 'string') {
            // A text frame: base64 under the `base64` subprotocol. Without it, websockify only
            // sends binary frames, so a text frame is UTF-8 text from some other server.
            bytes = this.protocol === 'base64'
                ? base64ToBytes(data)
                : new TextEncoder().encode(data);
        } else if (ArrayBuffer.isView(data)) {
            bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        } else {
            bytes = new Uint8Array(data);
        }
        this._append(bytes);
        this._emit('message', { length: bytes.length });
    }

    _append(bytes) {
        const unread = this._rQend - this._rQstart;
        if (this._rQend + bytes.length > this._rQ.length) {
            // Compact first; grow only when the unread bytes themselves do not fit.
            let size = this._rQ.length;
            while (size < unread + bytes.length) {
                size *= 2;
            }
            if (size === this._rQ.length) {
                this._rQ.copyWithin(0, this._rQstart, this._rQend);
            } else {
                const grown = new Uint8Array(size);
                grown.set(this._rQ.subarray(this._rQstart, this._rQend));
                this._rQ = grown;
            }
            this._rQstart = 0;
            this._rQend = unread;
        }
        this._rQ.set(bytes, this._rQend);
        this._rQend += bytes.length;
    }

    /** Number of received bytes not read yet. */
    rQlen() {
        return this._rQend - this._rQstart;
    }

    /**
     * For parsers that read a message in steps: true if fewer than `needed` bytes are
     * available, in which case it also puts back the `goback` bytes the caller already read
     * of this message, so that it can start over on the next `message` event.
     * @param {number} needed bytes the next step needs
     * @param {number} [goback] bytes to unread when waiting
     * @returns {boolean} true when the caller must wait for more data
     */
    rQwait(needed, goback = 0) {
        if (this.rQlen() >= needed) {
            return false;
        }
        if (goback > this._rQstart) {
            throw new RangeError(`Websock.rQwait: cannot go back ${goback} bytes`);
        }
        this._rQstart -= goback;
        return true;
    }

    _take(length) {
        if (length > this.rQlen()) {
            throw new RangeError(
                `Websock: read of ${length} bytes with only ${this.rQlen()} in the queue`);
        }
        const start = this._rQstart;
        this._rQstart += length;
        return start;
    }

    /** Reads one byte. @returns {number} */
    rQshift8() {
        return this._rQ[this._take(1)];
    }

    /** Reads a big-endian unsigned 16-bit integer. @returns {number} */
    rQshift16() {
        const at = this._take(2);
        return (this._rQ[at] << 8) | this._rQ[at + 1];
    }

    /** Reads a big-endian unsigned 32-bit integer. @returns {number} */
    rQshift32() {
        const at = this._take(4);
        const q = this._rQ;
        // >>> 0 keeps values of 2^31 and above positive.
        return ((q[at] << 24) | (q[at + 1] << 16) | (q[at + 2] << 8) | q[at + 3]) >>> 0;
    }

    /**
     * Reads bytes into a new array (a copy: the queue's memory is reused).
     * @param {number} [length] default: everything unread
     * @returns {Uint8Array}
     */
    rQshiftBytes(length = this.rQlen()) {
        const at = this._take(length);
        return this._rQ.slice(at, at + length);
    }

    /**
     * Reads bytes as a "binary string" (one character per byte, codes 0-255).
     * @param {number} [length] default: everything unread
     * @returns {string}
     */
    rQshiftStr(length = this.rQlen()) {
        return bytesToBinaryString(this.rQshiftBytes(length));
    }

    /**
     * Returns the byte `offset` places ahead without consuming it.
     * @param {number} [offset]
     * @returns {number}
     */
    rQpeek8(offset = 0) {
        if (offset >= this.rQlen()) {
            throw new RangeError(`Websock.rQpeek8: offset ${offset} beyond the queue`);
        }
        return this._rQ[this._rQstart + offset];
    }

    /**
     * Returns a copy of the next bytes without consuming them.
     * @param {number} [length] default: everything unread
     * @returns {Uint8Array}
     */
    rQpeekBytes(length = this.rQlen()) {
        if (length > this.rQlen()) {
            throw new RangeError(
                `Websock.rQpeekBytes: ${length} bytes asked, ${this.rQlen()} queued`);
        }
        return this._rQ.slice(this._rQstart, this._rQstart + length);
    }

    /**
     * Discards bytes.
     * @param {number} length
     */
    rQskip(length) {
        this._take(length);
    }
}

function concatenate(chunks) {
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const joined = new Uint8Array(total);
    let at = 0;
    for (const chunk of chunks) {
        joined.set(chunk, at);
        at += chunk.length;
    }
    return joined;
}

/** @param {string} text one character per byte @returns {Uint8Array} */
export function binaryStringToBytes(text) {
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
        bytes[i] = text.charCodeAt(i) & 0xff;
    }
    return bytes;
}

/** @param {Uint8Array} bytes @returns {string} one character per byte */
export function bytesToBinaryString(bytes) {
    // In slices: String.fromCharCode(...huge) overflows the call stack.
    const slice = 8192;
    let text = '';
    for (let at = 0; at < bytes.length; at += slice) {
        text += String.fromCharCode(...bytes.subarray(at, at + slice));
    }
    return text;
}

/** @param {Uint8Array} bytes @returns {string} standard base64 (RFC 4648 §4) */
export function bytesToBase64(bytes) {
    return btoa(bytesToBinaryString(bytes));
}

/** @param {string} text base64 @returns {Uint8Array} */
export function base64ToBytes(text) {
    return binaryStringToBytes(atob(text));
}
