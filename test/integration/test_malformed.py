"""Malformed input over real sockets (issue #9): a corpus of broken request heads and broken
frames. Each entry must get its RFC status or close code, and after each the same websockify
must still serve a normal echo session.

Complements test_handshake.py (missing key, version 99, POST, 431 for many headers) and
test_frames.py (unmasked frame, 1009, invalid UTF-8 across fragments), which are not repeated.
"""

import socket
import struct
import time

from harness import (OP_BINARY, OP_CLOSE, OP_CONT, OP_PING, OP_TEXT, EchoTarget, RawClient,
                     Websockify, build_frame, parse_close, random_bytes, run_cases,
                     upgrade_request)


def still_serves(server, seed):
    """A normal session on the same server: handshake, byte-exact echo, clean close."""
    payload = random_bytes(seed=seed, size=3000)
    with RawClient(server.port) as client:
        client.upgrade()
        client.send_frame(OP_BINARY, payload)
        echoed = b""
        while len(echoed) < len(payload):
            _, opcode, data = client.read_frame()
            assert opcode == OP_BINARY, f"opcode {opcode} ({parse_close(data)}) in a normal session"
            echoed += data
        assert echoed == payload, "a normal session's echo differs"
        client.send_frame(OP_CLOSE, struct.pack("!H", 1000))
        code, _ = client.read_close()
        assert code == 1000, f"a normal session was closed with {code}"


def run_corpus(server, corpus, check):
    """check(server, entry) for each entry, then a normal session; all failures reported."""
    failures = []
    for number, entry in enumerate(corpus):
        name = entry[0]
        try:
            outcome = check(server, entry)
            print(f"  ok  {name}: {outcome}")
        except (AssertionError, OSError, EOFError) as exc:
            failures.append(f"{name}: {exc}")
            print(f"  BAD {name}: {exc}")
        assert server.running(), f"websockify exited after {name!r}"
        try:
            still_serves(server, seed=number)
        except (AssertionError, OSError, EOFError) as exc:
            raise AssertionError(f"after {name!r} a normal session failed: {exc}") from None
    assert not failures, f"{len(failures)} of {len(corpus)} entries:\n  " + "\n  ".join(failures)


# --- request heads ---------------------------------------------------------------------------

def head(port, **options):
    return upgrade_request(port, **options)


def raw_head(request_line, port, extra_lines=()):
    """A head with an arbitrary request line (and otherwise valid upgrade headers)."""
    valid = upgrade_request(port).decode().split("\r\n", 1)[1]
    return (request_line + "\r\n" + "".join(line + "\r\n" for line in extra_lines)).encode() \
        + valid.encode()


HEAD_CORPUS = [
    # (name, request bytes for port, expected status, header that must come with it)
    ("lower-case method", lambda p: head(p, method="get"), 405, ("allow", "GET")),
    ("method with a control character", lambda p: raw_head("G\x01T / HTTP/1.1", p), 400, None),
    ("HTTP/1.0", lambda p: raw_head("GET / HTTP/1.0", p), 400, None),
    ("version without minor digit", lambda p: raw_head("GET / HTTP/1", p), 400, None),
    ("version in lower case", lambda p: raw_head("GET / http/1.1", p), 400, None),
    ("request line without version", lambda p: raw_head("GET /", p), 400, None),
    ("two spaces in the request line", lambda p: raw_head("GET  / HTTP/1.1", p), 400, None),
    ("Sec-WebSocket-Version: 12", lambda p: head(p, replace={"Sec-WebSocket-Version": "12"}),
     426, ("sec-websocket-version", "13")),
    ("Sec-WebSocket-Version missing", lambda p: head(p, omit=["Sec-WebSocket-Version"]), 400,
     None),
    ("Sec-WebSocket-Key twice", lambda p: head(p, extra=["Sec-WebSocket-Key: "
                                                         "dGhlIHNhbXBsZSBub25jZQ=="]), 400, None),
    ("Sec-WebSocket-Key of 15 bytes", lambda p: head(
        p, replace={"Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25j"}), 400, None),
    ("Sec-WebSocket-Key not base64", lambda p: head(
        p, replace={"Sec-WebSocket-Key": "!!!!!!!!!!!!!!!!!!!!!!=="}), 400, None),
    ("Connection: Upgrade missing", lambda p: head(p, omit=["Connection"]), 400, None),
    ("Connection: close instead of Upgrade", lambda p: head(p, replace={"Connection": "close"}),
     400, None),
    ("header line without a colon", lambda p: head(p, extra=["X-No-Colon"]), 400, None),
    ("space before the colon (RFC 9112 §5.1)", lambda p: head(p, extra=["X-Space : 1"]), 400,
     None),
    ("obs-fold continuation line", lambda p: head(p, extra=["X-Folded: a", " b"]), 400, None),
    ("NUL in a header value", lambda p: head(p, extra=["X-Nul: a\x00b"]), 400, None),
    ("unterminated head over 16 KiB", lambda p: head(p)[:-2] + b"X-Pad: " + b"p" * 20_000,
     431, None),
    ("one header line over 16 KiB", lambda p: head(p, extra=["X-Long: " + "l" * 17_000]), 431,
     None),
]


def check_head(server, entry):
    name, build, status, header = entry
    with RawClient(server.port) as client:
        client.send(build(server.port))
        response = client.read_response()
    assert response.status == status, f"expected HTTP {status}, got {response}"
    assert response.body.strip(), f"HTTP {response.status} came with an empty body"
    if header:
        got = response.headers.get(header[0])
        assert got == header[1], f"HTTP {status} must carry {header[0]}: {header[1]}, got {got!r}"
    return f"HTTP {response.status} {response.reason}"


def check_truncated(server, entry):
    """The client sends part of a head and closes: no response, the connection just ends."""
    name, cut = entry
    request = upgrade_request(server.port)
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(request[:cut])
        sock.shutdown(socket.SHUT_WR)
        try:
            answer = sock.recv(1000)
        except ConnectionResetError:
            answer = b""
    assert answer == b"", f"expected the connection closed without an answer, got {answer!r}"
    return "closed without an answer"


def http_head_corpus():
    with EchoTarget() as target, Websockify(target.port) as server:
        run_corpus(server, HEAD_CORPUS, check_head)
        truncated = [("closed after the request line", 16), ("closed mid-header", 40),
                     ("closed before the blank line", -2)]
        before = sum("client closed before sending a request" in line
                     for line in server.stderr.lines())
        run_corpus(server, truncated, check_truncated)
        server.wait_until_log(
            lambda lines: sum("client closed before sending a request" in line
                              for line in lines) >= before + len(truncated),
            5, f"{len(truncated)} 'client closed before sending a request' lines")


# --- a valid head split across reads ---------------------------------------------------------

def server_unread_bytes(server_port, client_port):
    """Bytes the server side of our connection has received but not read yet (rx_queue in
    /proc/net/tcp): 0 once websockify has read everything we sent."""
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            fields = line.split()
            local, remote, queues = fields[1], fields[2], fields[4]
            if int(local.split(":")[1], 16) == server_port and \
                    int(remote.split(":")[1], 16) == client_port:
                return int(queues.split(":")[1], 16)
    return None


def wait_until_read(server, sock, timeout=5.0):
    """Polls until websockify has read all we sent, so the next send is a separate read."""
    client_port = sock.getsockname()[1]
    deadline = time.monotonic() + timeout
    while (unread := server_unread_bytes(server.port, client_port)) != 0:
        assert time.monotonic() < deadline, f"websockify left {unread} bytes unread for {timeout} s"
        time.sleep(0.005)  # polling the kernel's queue, the readiness condition itself


def head_split_across_reads():
    """A valid head whose end arrives in pieces: websockify must find the blank line whatever
    its cut, e.g. '...\\r\\n\\r' then '\\n' (each piece sent after websockify read the last)."""
    failures = []
    with EchoTarget() as target, Websockify(target.port, "--handshake-timeout", "3") as server:
        request = upgrade_request(server.port)
        end = len(request)
        cuts = {"...\\r | \\n\\r\\n": [end - 3], "...\\r\\n | \\r\\n": [end - 2],
                "...\\r\\n\\r | \\n": [end - 1], "\\r | \\n | \\r | \\n": [end - 3, end - 2, end - 1],
                "every byte of the last 40": list(range(end - 40, end))}
        for name, positions in cuts.items():
            with RawClient(server.port) as client:
                client.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                start = 0
                for position in positions + [end]:
                    client.send(request[start:position])
                    start = position
                    if position != end:
                        wait_until_read(server, client.sock)
                try:
                    response = client.read_response()
                    outcome = f"HTTP {response.status}"
                except (AssertionError, EOFError) as exc:
                    outcome = f"no answer ({exc})"
            print(f"  {name}: {outcome}")
            if outcome != "HTTP 101":
                failures.append(f"{name}: {outcome}")
            still_serves(server, seed=len(failures))
    assert not failures, "a valid head split across reads was not recognised:\n  " + \
        "\n  ".join(failures)


# --- frames ----------------------------------------------------------------------------------

def header_only(first_byte, length_field):
    """A masked frame header with the given first byte and raw length bytes, mask key zero."""
    return bytes([first_byte]) + length_field + b"\x00\x00\x00\x00"


def close_frame(code, reason=b""):
    return build_frame(OP_CLOSE, struct.pack("!H", code) + reason)


FRAME_CORPUS = [
    # (name, bytes after the handshake, expected close code)
    ("RSV2 set", build_frame(OP_BINARY, b"x", rsv=0b010), 1002),
    ("RSV3 set", build_frame(OP_BINARY, b"x", rsv=0b001), 1002),
    ("RSV2+RSV3 on a ping", build_frame(OP_PING, b"x", rsv=0b011), 1002),
    *[(f"reserved data opcode {op:#x}", build_frame(op, b"abc"), 1002) for op in range(3, 8)],
    *[(f"reserved control opcode {op:#x}", build_frame(op, b"abc"), 1002)
      for op in range(0xB, 0x10)],
    ("fragmented ping", build_frame(OP_PING, b"ping", fin=False), 1002),
    ("fragmented close", build_frame(OP_CLOSE, struct.pack("!H", 1000), fin=False), 1002),
    ("ping of 126 bytes", build_frame(OP_PING, b"p" * 126), 1002),
    ("close of 200 bytes", build_frame(OP_CLOSE, struct.pack("!H", 1000) + b"r" * 198), 1002),
    ("64-bit length with the top bit set",
     header_only(0x82, bytes([0x80 | 127]) + struct.pack("!Q", 1 << 63)), 1002),
    ("64-bit length all ones", header_only(0x82, bytes([0x80 | 127]) + b"\xff" * 8), 1002),
    ("64-bit length of 2^40 (over --max-message-size)",
     header_only(0x82, bytes([0x80 | 127]) + struct.pack("!Q", 1 << 40)), 1009),
    ("continuation without a message", build_frame(OP_CONT, b"orphan"), 1002),
    ("final continuation without a message", build_frame(OP_CONT, b"", fin=True), 1002),
    ("new message inside a fragmented one",
     build_frame(OP_BINARY, b"a", fin=False) + build_frame(OP_BINARY, b"b"), 1002),
    ("text inside a fragmented binary message",
     build_frame(OP_BINARY, b"a", fin=False) + build_frame(OP_TEXT, b"b"), 1002),
    ("text frame with an invalid byte", build_frame(OP_TEXT, b"ok \xff"), 1007),
    ("text ending inside a code point", build_frame(OP_TEXT, "ok κ".encode()[:-1]), 1007),
    ("text with an overlong encoding", build_frame(OP_TEXT, b"\xc0\x80"), 1007),
    ("text with a UTF-16 surrogate", build_frame(OP_TEXT, b"\xed\xa0\x80"), 1007),
    ("text above U+10FFFF", build_frame(OP_TEXT, b"\xf4\x90\x80\x80"), 1007),
    ("fragmented text cut inside a code point",
     build_frame(OP_TEXT, "é".encode()[:1], fin=False) + build_frame(OP_CONT, b""), 1007),
    ("close reason with invalid UTF-8", close_frame(1000, b"bye \xff"), 1007),
    ("close reason with a truncated code point", close_frame(1000, "é".encode()[:1]), 1007),
    ("close payload of one byte", build_frame(OP_CLOSE, b"\x03"), 1002),
    *[(f"close code {code}", close_frame(code), 1002)
      for code in (0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535)],
]


def check_frames(server, entry):
    name, data, expected = entry
    with RawClient(server.port) as client:
        client.upgrade()
        client.send(data)
        code, reason = client.read_close()
    assert code == expected, f"got close {code} {reason!r}, expected {expected}"
    return f"close {code} {reason!r}"


def frame_corpus():
    with EchoTarget() as target, Websockify(target.port) as server:
        run_corpus(server, FRAME_CORPUS, check_frames)


def violation_after_data_delivers_the_data():
    """Bytes of valid frames sent before a violation in the same write still reach the target;
    the echo of them may or may not come back before the close, but the close code must."""
    payload = random_bytes(seed=77, size=5000)
    with EchoTarget() as target, Websockify(target.port) as server:
        with RawClient(server.port) as client:
            client.upgrade()
            client.send(build_frame(OP_BINARY, payload) + build_frame(0x3, b"bad"))
            echoed, code = b"", None
            while code is None:
                _, opcode, data = client.read_frame()
                if opcode == OP_CLOSE:
                    code, reason = parse_close(data)
                else:
                    echoed += data
        assert code == 1002, f"close {code} {reason!r}, expected 1002"
        assert payload.startswith(echoed), "echoed bytes differ from the valid frame's"
        server.wait_for_log(r"session closed: server closed, code 1002, 5000 bytes from client")
        print(f"  {len(echoed)} of {len(payload)} bytes echoed before the close 1002")
        still_serves(server, seed=78)


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [http_head_corpus, head_split_across_reads, frame_corpus,
                                       violation_after_data_delivers_the_data]})
