"""A deliberately naive WebSocket client on a plain socket, for requests and frames that a
real client library refuses to produce (bad handshakes, unmasked or invalid frames).
"""

import base64
import os
import socket
import struct

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


def mask_payload(payload, key):
    """XOR with the 4-byte key, as one big-integer operation (fast for any size)."""
    n = len(payload)
    if n == 0:
        return b""
    stream = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(stream, "big")).to_bytes(n, "big")


def build_frame(opcode, payload, fin=True, mask=True, rsv=0, length=None):
    """One RFC 6455 §5.2 frame; a client must mask, so mask=False builds an invalid frame.
    `length` overrides the declared payload length (to build a frame that lies)."""
    head = bytes([(0x80 if fin else 0) | (rsv << 4) | opcode])
    mask_bit = 0x80 if mask else 0
    size = len(payload) if length is None else length
    if size < 126:
        head += bytes([mask_bit | size])
    elif size < 1 << 16:
        head += bytes([mask_bit | 126]) + struct.pack("!H", size)
    else:
        head += bytes([mask_bit | 127]) + struct.pack("!Q", size)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + mask_payload(payload, key)


def upgrade_request(port, path="/", method="GET", omit=(), replace=None, extra=()):
    """A client handshake; `omit` drops headers, `replace` swaps values, `extra` appends lines."""
    headers = {
        "Host": f"127.0.0.1:{port}",
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
        "Sec-WebSocket-Version": "13",
    }
    headers.update(replace or {})
    lines = [f"{method} {path} HTTP/1.1"]
    lines += [f"{name}: {value}" for name, value in headers.items() if name not in omit]
    lines += list(extra)
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class HttpResponse:
    def __init__(self, status, reason, headers, body):
        self.status, self.reason, self.headers, self.body = status, reason, headers, body

    def __str__(self):
        return f"HTTP {self.status} {self.reason}, headers {self.headers}, body {self.body[:120]!r}"


class RawClient:
    """A TCP connection to websockify with every read bounded by `timeout` seconds."""

    def __init__(self, port, timeout=5.0):
        self.port = port
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self._buffer = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        try:
            data = self.sock.recv(65536)
        except TimeoutError:
            raise AssertionError(f"nothing from websockify within {self.sock.gettimeout()} s; "
                                 f"unread: {self._buffer[:200]!r}") from None
        except ConnectionResetError:
            raise AssertionError(f"connection reset by websockify; unread: {self._buffer[:200]!r}") from None
        if not data:
            raise EOFError(f"connection closed by websockify; unread: {self._buffer[:200]!r}")
        self._buffer += data

    def _take(self, count):
        while len(self._buffer) < count:
            self._fill()
        data, self._buffer = self._buffer[:count], self._buffer[count:]
        return data

    def read_response(self):
        """The HTTP response head, and its body (by Content-Length, else until EOF)."""
        while b"\r\n\r\n" not in self._buffer:
            self._fill()
        head, self._buffer = self._buffer.split(b"\r\n\r\n", 1)
        status_line, *header_lines = head.decode("iso-8859-1").split("\r\n")
        _, status, reason = (status_line.split(" ", 2) + [""])[:3]
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if int(status) == 101:
            body = b""
        elif "content-length" in headers:
            body = self._take(int(headers["content-length"]))
        else:
            body = self._read_to_eof()
        return HttpResponse(int(status), reason, headers, body)

    def _read_to_eof(self):
        try:
            while True:
                self._fill()
        except EOFError:
            pass
        body, self._buffer = self._buffer, b""
        return body

    def upgrade(self, **request_options):
        """Performs the opening handshake; AssertionError unless the answer is 101."""
        self.send(upgrade_request(self.port, **request_options))
        response = self.read_response()
        if response.status != 101:
            raise AssertionError(f"handshake refused: {response}")
        return response

    def send_frame(self, opcode, payload, **frame_options):
        self.send(build_frame(opcode, payload, **frame_options))

    def read_frame(self):
        """(fin, opcode, payload) of the next server frame, which must be unmasked."""
        first, second = self._take(2)
        if second & 0x80:
            raise AssertionError("server sent a masked frame (RFC 6455 §5.1 forbids it)")
        size = second & 0x7F
        if size == 126:
            size = struct.unpack("!H", self._take(2))[0]
        elif size == 127:
            size = struct.unpack("!Q", self._take(8))[0]
        return bool(first & 0x80), first & 0x0F, self._take(size)

    def read_close(self):
        """Skips data frames until a close frame; returns its (code, reason), code 1005 if none."""
        while True:
            try:
                _, opcode, payload = self.read_frame()
            except EOFError as exc:
                raise AssertionError(f"no close frame before the connection ended ({exc})") from None
            if opcode == OP_CLOSE:
                return parse_close(payload)


def parse_close(payload):
    """(code, reason) of a close frame's payload; 1005 when it carries no code."""
    if len(payload) < 2:
        return 1005, ""
    return struct.unpack("!H", payload[:2])[0], payload[2:].decode("utf-8", "replace")
