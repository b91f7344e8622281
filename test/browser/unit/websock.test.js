import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';

import {
    DEFAULT_PROTOCOLS, Websock, base64ToBytes, bytesToBase64,
} from '../../../web/websock.js';
import { FakeWebSocket, arrayBufferOf } from './fake_websocket.js';

function openWebsock(protocol = 'binary') {
    const websock = new Websock({ WebSocketClass: FakeWebSocket });
    websock.open('ws://127.0.0.1:6080/');
    const socket = FakeWebSocket.latest();
    socket.serverAccepts(protocol);
    return { websock, socket };
}

function collectEvents(websock) {
    const events = [];
    for (const name of ['open', 'message', 'close', 'error']) {
        websock.on(name, (detail) => events.push([name, detail]));
    }
    return events;
}

beforeEach(() => {
    FakeWebSocket.instances.length = 0;
});

describe('Websock connection', () => {
    it('offers binary then base64 and asks for ArrayBuffers', () => {
        const websock = new Websock({ WebSocketClass: FakeWebSocket });
        websock.open('ws://h:1/');
        const socket = FakeWebSocket.latest();
        assert.deepEqual(socket.protocols, ['binary', 'base64']);
        assert.deepEqual([...DEFAULT_PROTOCOLS], ['binary', 'base64']);
        assert.equal(socket.binaryType, 'arraybuffer');
        assert.equal(socket.url, 'ws://h:1/');
    });

    it('reports open with the chosen protocol, and close with code and reason', () => {
        const websock = new Websock({ WebSocketClass: FakeWebSocket });
        const events = collectEvents(websock);
        websock.open('ws://h:1/', ['base64']);
        const socket = FakeWebSocket.latest();
        assert.equal(websock.isOpen, false);
        socket.serverAccepts('base64');
        assert.equal(websock.isOpen, true);
        assert.equal(websock.protocol, 'base64');
        socket.serverFails();
        socket.serverCloses(1011, 'Failed to connect to downstream server', false);
        assert.equal(websock.isOpen, false);
        assert.deepEqual(events.map(([name]) => name), ['open', 'error', 'close']);
        assert.deepEqual(events[0][1], { protocol: 'base64' });
        assert.deepEqual(events[2][1],
            { code: 1011, reason: 'Failed to connect to downstream server', wasClean: false });
    });

    it('refuses a second open while connected, and allows one after close', () => {
        const { websock, socket } = openWebsock();
        assert.throws(() => websock.open('ws://h:1/'), /already open/);
        socket.serverCloses(1000);
        websock.open('ws://h:2/');
        assert.equal(FakeWebSocket.latest().url, 'ws://h:2/');
    });

    it('passes close codes through and ignores close when not connected', () => {
        const idle = new Websock({ WebSocketClass: FakeWebSocket });
        idle.close(); // nothing to close: no throw
        const { websock, socket } = openWebsock();
        websock.close(4000, 'bye');
        assert.deepEqual(socket.closeCalls, [[4000, 'bye']]);
    });

    it('removes a handler with the function on() returns', () => {
        const { websock, socket } = openWebsock();
        let calls = 0;
        const off = websock.on('message', () => { calls += 1; });
        socket.serverSends(arrayBufferOf([1]));
        off();
        socket.serverSends(arrayBufferOf([2]));
        assert.equal(calls, 1);
        assert.throws(() => websock.on('nonsense', () => {}), /unknown event/);
    });
});

describe('Websock receive queue', () => {
    it('reads big-endian integers of 8, 16 and 32 bits', () => {
        const { websock, socket } = openWebsock();
        socket.serverSends(arrayBufferOf([0x01, 0x02, 0x03, 0xff, 0xfe, 0xfd, 0xfc, 0x80]));
        assert.equal(websock.rQlen(), 8);
        assert.equal(websock.rQshift8(), 0x01);
        assert.equal(websock.rQshift16(), 0x0203);
        // 0xfffefdfc is above 2^31 and must stay positive.
        assert.equal(websock.rQshift32(), 0xfffefdfc);
        assert.equal(websock.rQlen(), 1);
        assert.equal(websock.rQpeek8(), 0x80);
        assert.equal(websock.rQlen(), 1);
    });

    it('reads across message boundaries in arrival order', () => {
        const { websock, socket } = openWebsock();
        socket.serverSends(arrayBufferOf([0x12]));
        socket.serverSends(arrayBufferOf([0x34, 0x56]));
        socket.serverSends(arrayBufferOf([0x78]));
        assert.equal(websock.rQshift32(), 0x12345678);
    });

    it('reads bytes and binary strings, copying out of the queue', () => {
        const { websock, socket } = openWebsock();
        socket.serverSends(arrayBufferOf([0x52, 0x46, 0x42, 0x20, 0xe9, 0x00, 7, 8, 9]));
        assert.equal(websock.rQshiftStr(4), 'RFB ');
        assert.equal(websock.rQshiftStr(2), '\u00e9\u0000');
        const peeked = websock.rQpeekBytes(2);
        assert.deepEqual([...peeked], [7, 8]);
        const rest = websock.rQshiftBytes();
        assert.deepEqual([...rest], [7, 8, 9]);
        assert.equal(websock.rQlen(), 0);
        socket.serverSends(arrayBufferOf([1, 2, 3]));
        assert.deepEqual([...rest], [7, 8, 9], 'an earlier result must not change');
    });

    it('skips bytes and peeks at an offset', () => {
        const { websock, socket } = openWebsock();
        socket.serverSends(arrayBufferOf([10, 20, 30, 40]));
        assert.equal(websock.rQpeek8(2), 30);
        websock.rQskip(3);
        assert.equal(websock.rQshift8(), 40);
    });

    it('throws instead of reading past the end', () => {
        const { websock, socket } = openWebsock();
        socket.serverSends(arrayBufferOf([1, 2, 3]));
        assert.throws(() => websock.rQshift32(), RangeError);
        assert.throws(() => websock.rQpeek8(3), RangeError);
        assert.throws(() => websock.rQpeekBytes(4), RangeError);
        assert.equal(websock.rQlen(), 3, 'a failed read consumes nothing');
    });

    it('rQwait says wait and rewinds what the caller already read', () => {
        const { websock, socket } = openWebsock();
        // A message of a 2-byte length and that many bytes, arriving in pieces.
        const readMessage = () => {
            if (websock.rQwait(2)) {
                return null;
            }
            const length = websock.rQshift16();
            if (websock.rQwait(length, 2)) {
                return null;
            }
            return websock.rQshiftStr(length);
        };
        socket.serverSends(arrayBufferOf([0x00]));
        assert.equal(readMessage(), null);
        socket.serverSends(arrayBufferOf([0x05, 0x68, 0x65]));
        assert.equal(readMessage(), null);
        assert.equal(websock.rQlen(), 4, 'the length field was put back');
        socket.serverSends(arrayBufferOf([0x6c, 0x6c, 0x6f]));
        assert.equal(readMessage(), 'hello');
        assert.equal(websock.rQwait(0), false);
        assert.throws(() => websock.rQwait(1, 100), RangeError);
    });

    it('keeps every byte through many messages that outgrow the initial buffer', () => {
        const { websock, socket } = openWebsock();
        const expected = [];
        let got = [];
        for (let message = 0; message < 300; message++) {
            const chunk = Array.from({ length: 97 }, (_, i) => (message * 31 + i) & 0xff);
            expected.push(...chunk);
            socket.serverSends(arrayBufferOf(chunk));
            // Read a little less than arrives, so the queue both compacts and grows.
            got = got.concat([...websock.rQshiftBytes(Math.min(50, websock.rQlen()))]);
        }
        got = got.concat([...websock.rQshiftBytes()]);
        assert.equal(got.length, expected.length);
        assert.deepEqual(got, expected);
    });

    it('decodes base64 text frames under the base64 subprotocol', () => {
        const { websock, socket } = openWebsock('base64');
        socket.serverSends('AAEC/w=='); // 00 01 02 ff
        assert.deepEqual([...websock.rQshiftBytes()], [0, 1, 2, 255]);
    });

    it('treats a text frame without base64 as UTF-8 text', () => {
        const { websock, socket } = openWebsock('');
        socket.serverSends('é');
        assert.deepEqual([...websock.rQshiftBytes()], [0xc3, 0xa9]);
    });

    it('accepts typed-array views as message data', () => {
        const { websock, socket } = openWebsock();
        const backing = Uint8Array.from([9, 1, 2, 9]);
        socket.serverSends(backing.subarray(1, 3));
        assert.deepEqual([...websock.rQshiftBytes()], [1, 2]);
    });

    it('emits message with the number of new bytes', () => {
        const { websock, socket } = openWebsock();
        const lengths = [];
        websock.on('message', ({ length }) => lengths.push(length));
        socket.serverSends(arrayBufferOf([1, 2, 3]));
        socket.serverSends(arrayBufferOf([]));
        assert.deepEqual(lengths, [3, 0]);
    });
});

describe('Websock send queue', () => {
    it('sends bytes as one binary message under binary', () => {
        const { websock, socket } = openWebsock('binary');
        websock.queue([1, 2]);
        websock.queue(Uint8Array.from([3]));
        assert.equal(socket.sent.length, 0, 'queue() alone sends nothing');
        assert.equal(websock.flush(), true);
        assert.deepEqual(socket.sent.map((m) => [...m]), [[1, 2, 3]]);
        assert.equal(websock.flush(), true);
        assert.equal(socket.sent.length, 1, 'an empty queue sends nothing');
    });

    it('sends base64 text under base64', () => {
        const { websock, socket } = openWebsock('base64');
        websock.send([0, 1, 2, 255]);
        assert.deepEqual(socket.sent, ['AAEC/w==']);
    });

    it('sends binary strings one byte per character', () => {
        const { websock, socket } = openWebsock();
        websock.sendString('A\u00ff\u0000');
        assert.deepEqual([...socket.sent[0]], [0x41, 0xff, 0x00]);
    });

    it('holds data sent before the connection is up and sends it on open', () => {
        const websock = new Websock({ WebSocketClass: FakeWebSocket });
        websock.open('ws://h:1/');
        const socket = FakeWebSocket.latest();
        assert.equal(websock.send([7, 8]), false);
        assert.equal(socket.sent.length, 0);
        socket.serverAccepts('binary');
        assert.deepEqual(socket.sent.map((m) => [...m]), [[7, 8]]);
    });

    it('does not alias the caller\'s buffer', () => {
        const { websock, socket } = openWebsock();
        const mine = Uint8Array.from([1, 2, 3]);
        websock.queue(mine);
        mine[0] = 99;
        websock.flush();
        assert.deepEqual([...socket.sent[0]], [1, 2, 3]);
    });
});

describe('base64 helpers', () => {
    it('round-trip every byte value', () => {
        const all = Uint8Array.from({ length: 256 }, (_, i) => i);
        assert.deepEqual([...base64ToBytes(bytesToBase64(all))], [...all]);
    });

    it('encode large buffers without overflowing the stack', () => {
        const big = new Uint8Array(1 << 20).fill(0x41);
        assert.equal(bytesToBase64(big).length, Math.ceil(big.length / 3) * 4);
    });

    it('match RFC 4648 §10 vectors', () => {
        const text = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0));
        assert.equal(bytesToBase64(text('f')), 'Zg==');
        assert.equal(bytesToBase64(text('fo')), 'Zm8=');
        assert.equal(bytesToBase64(text('foobar')), 'Zm9vYmFy');
    });
});
