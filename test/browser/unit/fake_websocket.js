/**
 * A stand-in for the browser WebSocket class, so that Websock's tests run in Node: it records
 * what is sent and lets the test play the server (open, deliver messages, close).
 */
export class FakeWebSocket {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;

    /** Every instance created, newest last. */
    static instances = [];

    constructor(url, protocols) {
        this.url = url;
        this.protocols = protocols;
        this.readyState = FakeWebSocket.CONNECTING;
        this.protocol = '';
        this.binaryType = 'blob';
        this.sent = [];
        this.closeCalls = [];
        this.onopen = null;
        this.onmessage = null;
        this.onerror = null;
        this.onclose = null;
        FakeWebSocket.instances.push(this);
    }

    static latest() {
        return FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
    }

    send(data) {
        if (this.readyState !== FakeWebSocket.OPEN) {
            // The browser throws InvalidStateError here.
            throw new Error('FakeWebSocket.send while not open');
        }
        // Copy: the caller may reuse its buffer.
        this.sent.push(typeof data === 'string' ? data : Uint8Array.from(data));
    }

    close(code, reason) {
        this.closeCalls.push([code, reason]);
        this.readyState = FakeWebSocket.CLOSING;
    }

    // --- the test plays the server ---

    serverAccepts(protocol) {
        this.protocol = protocol;
        this.readyState = FakeWebSocket.OPEN;
        this.onopen?.({ type: 'open' });
    }

    /** @param {ArrayBuffer|string} data as the browser would deliver it */
    serverSends(data) {
        this.onmessage?.({ type: 'message', data });
    }

    serverFails() {
        this.onerror?.({ type: 'error' });
    }

    serverCloses(code, reason = '', wasClean = true) {
        this.readyState = FakeWebSocket.CLOSED;
        this.onclose?.({ type: 'close', code, reason, wasClean });
    }
}

/** The bytes as a fresh ArrayBuffer, the way a binary frame arrives with binaryType arraybuffer. */
export function arrayBufferOf(bytes) {
    return Uint8Array.from(bytes).buffer;
}
