"""A lean asyncio WebSocket client on raw streams, and an asyncio target that checks what it
receives, for tests that open thousands of connections (the websockets package costs several
times more CPU per connection) or need exact control over the bytes on the wire.

Also the /proc probes those tests report: open file descriptors and resident memory.
"""

import asyncio
import base64
import hashlib
import os
import socket
import struct
import zlib

from harness import PeriodicSampler, fd_count, rss_kib  # noqa: F401
from raw_ws import (OP_BINARY, OP_CLOSE, OP_CONT, OP_PING, OP_PONG, build_frame,  # noqa: F401
                    parse_close)

ACCEPT_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


# --- /proc probes ----------------------------------------------------------------------------

class ProcSampler(PeriodicSampler):
    """Samples the fd count and VmRSS of one process on a thread; keeps the peaks."""

    def __init__(self, pid, interval=0.05):
        super().__init__(interval)
        self.pid = pid
        self.peak_fds = fd_count(pid)
        self.peak_rss_kib = rss_kib(pid)

    def sample(self):
        try:
            self.peak_fds = max(self.peak_fds, fd_count(self.pid))
            self.peak_rss_kib = max(self.peak_rss_kib, rss_kib(self.pid))
        except (OSError, ValueError):
            pass  # the process exited


def socket_count(pid):
    """Descriptors of a process that are sockets (listeners and connections)."""
    count = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            count += os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
        except OSError:
            pass  # closed between listing and reading
    return count


async def settled(server, listeners=1, timeout=10):
    """Waits until the harness's readiness probe is gone: -v logs "client sent nothing" a moment
    before the probe's socket is closed, so also wait until only the listening sockets are left.
    Returns the idle server's fd count and RSS (KiB)."""
    await asyncio.to_thread(server.wait_for_log, "client sent nothing")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while socket_count(server.pid) > listeners and loop.time() < deadline:
        await asyncio.sleep(0.01)  # polling the condition itself, bounded by the deadline
    return fd_count(server.pid), rss_kib(server.pid)


async def wait_for_fd_count(pid, expected, timeout):
    """Polls until the process has exactly `expected` descriptors; returns the last count."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        count = fd_count(pid)
        if count == expected or loop.time() > deadline:
            return count
        await asyncio.sleep(0.02)  # polling the condition under test, bounded by the deadline


# --- frames ----------------------------------------------------------------------------------

def frame(opcode, payload, fin=True, mask=True, rsv=0, length=None):
    """One RFC 6455 frame. `length` overrides the declared payload length (for lies)."""
    return build_frame(opcode, payload, fin=fin, mask=mask, rsv=rsv, length=length)


def close_payload(code, reason=b""):
    return struct.pack("!H", code) + reason


class Closed(Exception):
    """The server closed the connection (TCP) where a frame or response was expected."""


class WsConn:
    """One client connection: handshake, frames, close. Every wait is bounded by `timeout`."""

    def __init__(self, reader, writer, timeout):
        self.reader, self.writer, self.timeout = reader, writer, timeout

    @classmethod
    async def open(cls, port, timeout=10.0, path="/"):
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port), timeout)
        conn = cls(reader, writer, timeout)
        try:
            await conn._handshake(port, path)
        except BaseException:
            writer.transport.abort()
            raise
        return conn

    async def _handshake(self, port, path):
        key = base64.b64encode(os.urandom(16))
        self.writer.write(b"GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                          b"Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                          b"Sec-WebSocket-Version: 13\r\n\r\n" % (path.encode(), port, key))
        try:
            head = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), self.timeout)
        except asyncio.IncompleteReadError as exc:
            raise AssertionError(f"connection closed during the handshake: {exc.partial!r}") from None
        except asyncio.TimeoutError:
            raise AssertionError(f"no handshake answer within {self.timeout} s") from None
        if not head.startswith(b"HTTP/1.1 101 "):
            raise AssertionError(f"handshake refused: {head[:200]!r}")
        accept = base64.b64encode(hashlib.sha1(key + ACCEPT_GUID).digest())
        got = [line.split(b":", 1)[1].strip() for line in head.split(b"\r\n")[1:]
               if line.lower().startswith(b"sec-websocket-accept:")]
        if got != [accept]:
            raise AssertionError(f"wrong or missing Sec-WebSocket-Accept in {head!r}")

    def send(self, data):
        self.writer.write(data)

    def send_frame(self, opcode, payload, **options):
        self.writer.write(frame(opcode, payload, **options))

    async def drain(self):
        await asyncio.wait_for(self.writer.drain(), self.timeout)

    async def _exactly(self, count):
        try:
            return await asyncio.wait_for(self.reader.readexactly(count), self.timeout)
        except asyncio.IncompleteReadError as exc:
            raise Closed(f"connection closed after {len(exc.partial)} of {count} bytes") from None
        except ConnectionResetError:
            raise Closed("connection reset") from None
        except asyncio.TimeoutError:
            raise AssertionError(f"nothing from websockify within {self.timeout} s") from None

    async def read_frame(self):
        """(fin, opcode, payload) of the next server frame, which must be unmasked."""
        first, second = await self._exactly(2)
        if second & 0x80:
            raise AssertionError("server sent a masked frame")
        size = second & 0x7F
        if size == 126:
            size = struct.unpack("!H", await self._exactly(2))[0]
        elif size == 127:
            size = struct.unpack("!Q", await self._exactly(8))[0]
        return bool(first & 0x80), first & 0x0F, await self._exactly(size) if size else b""

    async def receive(self, count):
        """Binary frame payloads until `count` bytes arrived; a close frame is a failure."""
        got = bytearray()
        while len(got) < count:
            try:
                _, opcode, payload = await self.read_frame()
            except Closed as exc:
                raise AssertionError(f"{exc}; received {len(got)} of {count} bytes") from None
            if opcode == OP_CLOSE:
                raise AssertionError(f"close {parse_close(payload)} after {len(got)} of "
                                     f"{count} bytes")
            if opcode != OP_BINARY and opcode != OP_CONT:
                raise AssertionError(f"unexpected opcode {opcode} after {len(got)} bytes")
            got += payload
        return bytes(got)

    async def read_close(self):
        """Skips data frames until the server's close frame; returns (code, reason)."""
        while True:
            try:
                _, opcode, payload = await self.read_frame()
            except Closed as exc:
                raise AssertionError(f"no close frame before the connection ended ({exc})") from None
            if opcode == OP_CLOSE:
                return parse_close(payload)

    async def wait_eof(self):
        """True once the server ends TCP (FIN or reset) after its close frame."""
        try:
            rest = await asyncio.wait_for(self.reader.read(), self.timeout)
        except ConnectionResetError:
            return True
        except asyncio.TimeoutError:
            raise AssertionError(f"websockify kept the connection open {self.timeout} s "
                                 f"after its close frame") from None
        if rest:
            raise AssertionError(f"bytes after the close frame: {rest[:60]!r}")
        return True

    async def close(self, code=1000):
        """The whole closing handshake; returns the server's (code, reason)."""
        self.send_frame(OP_CLOSE, close_payload(code))
        answer = await self.read_close()
        await self.wait_eof()
        self.writer.close()
        return answer

    def abort(self):
        self.writer.transport.abort()

    def reset(self):
        """End the connection with a TCP reset (SO_LINGER 0), as a crashed peer or a middlebox
        does. A plain close() with unsent bytes queued would send them, then a FIN, later."""
        self.writer.transport.get_extra_info("socket").setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()


# --- a target that checks records ------------------------------------------------------------

RECORD_HEAD = struct.Struct("!IIII")  # stream id, sequence number, length, CRC-32


def record(stream_id, seq, data):
    """A self-checking unit of test data: the target verifies its CRC and its order."""
    return RECORD_HEAD.pack(stream_id, seq, len(data), zlib.crc32(data)) + data


class RecordEchoTarget:
    """An asyncio echo server that also parses the byte stream as records and checks each:
    right stream id for the connection, consecutive sequence numbers, CRC-32 of the data.
    Echoes every byte as it arrives and half-closes when the peer does.

    Must be used inside the event loop that drives the clients: `async with`.
    """

    def __init__(self):
        self.records_ok = 0
        self.bytes_in = 0
        self.errors = []
        self.connections = 0
        self.open_connections = 0
        self.streams_seen = set()
        self._server = None
        self.port = None

    async def __aenter__(self):
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, backlog=4096)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc):
        self._server.close()
        await self._server.wait_closed()

    def _check(self, state, buffer):
        """Consumes complete records from the front of `buffer`."""
        while len(buffer) >= RECORD_HEAD.size:
            stream_id, seq, length, crc = RECORD_HEAD.unpack_from(buffer)
            if len(buffer) < RECORD_HEAD.size + length:
                return
            data = bytes(buffer[RECORD_HEAD.size:RECORD_HEAD.size + length])
            del buffer[:RECORD_HEAD.size + length]
            if state["stream"] is None:
                state["stream"] = stream_id
                self.streams_seen.add(stream_id)
            if stream_id != state["stream"]:
                self.errors.append(f"stream {state['stream']} got a record of stream {stream_id}")
            elif seq != state["seq"]:
                self.errors.append(f"stream {stream_id}: record {seq}, expected {state['seq']}")
            elif zlib.crc32(data) != crc:
                self.errors.append(f"stream {stream_id} record {seq}: CRC mismatch")
            else:
                self.records_ok += 1
            state["seq"] = seq + 1

    async def _serve(self, reader, writer):
        self.connections += 1
        self.open_connections += 1
        state = {"stream": None, "seq": 0}
        buffer = bytearray()
        try:
            while data := await reader.read(65536):
                self.bytes_in += len(data)
                writer.write(data)
                buffer += data
                self._check(state, buffer)
                await writer.drain()
            if buffer:
                self.errors.append(f"stream {state['stream']}: {len(buffer)} bytes of a cut "
                                   f"record at EOF")
            writer.write_eof()
            await writer.drain()
        except (ConnectionError, OSError):
            pass  # websockify closed while we wrote: fine, the client checks what it got
        finally:
            self.open_connections -= 1
            writer.close()
