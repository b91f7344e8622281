"""Hixie-76 (the 2010 draft) behind --hixie, spoken by a hand-built client (spec §3)."""

import base64
import hashlib
import socket
import struct

from harness import EchoTarget, Websockify, random_bytes, run_cases

# The draft-76 specification's own example keys.
KEY1 = "18x 6]8vM;54 *(5:  {   U1]8  z [  8"
KEY2 = "1_ tx7X d  <  nw  334J702) 7]o}` 0"
KEY3 = b"Tm[K T2u"


def expected_answer(key1, key2, key3):
    def number(key):
        digits = int("".join(c for c in key if c.isdigit()))
        return digits // key.count(" ")
    return hashlib.md5(struct.pack(">II", number(key1), number(key2)) + key3).digest()


def handshake(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    request = (f"GET /demo HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key2: {KEY2}\r\nSec-WebSocket-Protocol: base64\r\n"
               f"Upgrade: WebSocket\r\nSec-WebSocket-Key1: {KEY1}\r\n"
               f"Origin: http://example.com\r\n\r\n").encode() + KEY3
    sock.sendall(request)
    return sock


def read_exactly(sock, size):
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise AssertionError(f"connection closed after {len(data)} of {size} bytes")
        data.extend(chunk)
    return bytes(data)


def read_response_head(sock):
    head = bytearray()
    while not head.endswith(b"\r\n\r\n"):
        chunk = sock.recv(1)
        if not chunk:
            raise AssertionError(f"connection closed during the response head: {bytes(head)!r}")
        head.extend(chunk)
    return head.decode()


def read_frames_until(sock, size):
    """Decodes 0x00 base64 0xFF frames until `size` relayed bytes arrived."""
    received, buffer = bytearray(), bytearray()
    while len(received) < size:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"closed after {len(received)} of {size} bytes")
        buffer.extend(chunk)
        while (end := buffer.find(b"\xff")) != -1:
            frame, buffer = bytes(buffer[:end]), buffer[end + 1:]
            assert frame[:1] == b"\x00", f"frame does not start with 0x00: {frame[:10]!r}"
            received.extend(base64.b64decode(frame[1:]))
    return bytes(received)


def draft76_echo_and_close():
    with EchoTarget() as target, Websockify(target.port, "--hixie") as server:
        with handshake(server.port) as sock:
            head = read_response_head(sock)
            assert head.startswith("HTTP/1.1 101 WebSocket Protocol Handshake\r\n"), head
            assert f"Sec-WebSocket-Location: ws://127.0.0.1:{server.port}/demo\r\n" in head, head
            assert "Sec-WebSocket-Origin: http://example.com\r\n" in head, head
            answer = read_exactly(sock, 16)
            assert answer == expected_answer(KEY1, KEY2, KEY3) == b"fQJ,fN/4F4!~K~MH", answer
            payload = random_bytes(seed=30, size=100_000)
            for offset in range(0, len(payload), 10_000):
                piece = payload[offset:offset + 10_000]
                sock.sendall(b"\x00" + base64.b64encode(piece) + b"\xff")
            assert read_frames_until(sock, len(payload)) == payload
            sock.sendall(b"\xff\x00")  # the draft-76 closing handshake
            rest = bytearray()
            while chunk := sock.recv(4096):
                rest.extend(chunk)
            assert bytes(rest).endswith(b"\xff\x00"), f"no closing handshake answer: {bytes(rest)!r}"
        server.wait_for_log(r"Plain non-SSL \(ws://\) WebSocket connection \(Hixie-76\)")


def refused_without_flag():
    with EchoTarget() as target, Websockify(target.port) as server:
        with handshake(server.port) as sock:
            head = read_response_head(sock)
        assert head.startswith("HTTP/1.1 400 "), head
        server.wait_for_log(r"Hixie-75/76 client refused")


def silent_client_times_out():
    with EchoTarget() as target, Websockify(target.port, "--handshake-timeout", "1") as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\n")  # and then nothing
            assert sock.recv(1024) == b"", "expected the server to close the silent connection"
        server.wait_for_log(r"timed out waiting for the request head")


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [draft76_echo_and_close, refused_without_flag,
                                       silent_client_times_out]})
