"""RFC 6455 conformance (issue #9), grouped like the Autobahn testsuite's server cases.

The Autobahn tool itself cannot run here (see docs/conformance.md), so its groups that apply to
a byte relay are written as raw-frame checks against the real binary relaying to a target that
echoes or records. Each case names its Autobahn group; docs/conformance.md maps every group to
these cases and to the existing ones they complement (test_frames.py, test_close.py,
test_malformed.py's frame_corpus, test_relay.py, test_compression.py), which are not repeated.

What holds throughout: the server's frames are unmasked, final, without RSV bits, binary (the
target's bytes are relayed as bytes) and use the shortest length encoding (§5.2); after a
violation or a close nothing more reaches the target; the target gets exactly the valid bytes.
"""

import codecs
import socket
import struct
import threading
import time

from harness import (MIB, OP_BINARY, OP_CLOSE, OP_CONT, OP_PING, OP_PONG, OP_TEXT, RawClient,
                     Websockify, build_frame, first_difference, parse_close, random_bytes,
                     run_cases)
from targets import CHUNK, TcpTarget
from test_malformed import wait_until_read

TIMEOUT = 10.0  # every wait in this file: a read, a target session's end, a sender thread


# --- a target that records what each session delivered -------------------------------------

class RecordingTarget(TcpTarget):
    """Keeps the bytes of each connection (one per WebSocket session) and how it ended.
    Sessions are numbered in the order they connect. Options:
      echo: send back what arrives;
      flood: send zeros (at most 256 MiB) from a second thread, like a busy VNC server, until
        websockify stops taking them;
      pace: read at most that many bytes per 10 ms (a slow reader), else as fast as possible.
    """

    def __init__(self, echo=True, flood=False, pace=None):
        super().__init__()
        self.echo, self.flood, self.pace = echo, flood, pace
        self._sessions = []
        self._changed = threading.Condition()

    def _flood(self, conn):
        zeros = bytes(CHUNK)
        try:
            for _ in range(256 * MIB // CHUNK):
                conn.sendall(zeros)
        except OSError:
            pass  # websockify closed the connection

    def handle(self, conn):
        record = {"data": bytearray(), "end": None, "peer_port": conn.getpeername()[1]}
        with self._changed:
            self._sessions.append(record)
            self._changed.notify_all()
        if self.flood:
            threading.Thread(target=self._flood, args=(conn,), name="flood", daemon=True).start()
        end = "EOF"
        echo = self.echo
        try:
            while chunk := conn.recv(self.pace or CHUNK):
                with self._changed:
                    record["data"] += chunk
                    self._changed.notify_all()
                if echo:
                    try:
                        conn.sendall(chunk)
                    except OSError as exc:
                        # Keep reading: what websockify delivered is still to be counted.
                        record["echo_error"] = f"{type(exc).__name__}: {exc}"
                        echo = False
                if self.pace:
                    time.sleep(0.01)  # throttling by design: a slow reader, not a wait
        except OSError as exc:
            end = f"{type(exc).__name__}: {exc}"
        finally:
            with self._changed:
                record["end"] = end
                self._changed.notify_all()

    def peer_port(self, index, timeout=TIMEOUT):
        """websockify's local port on the connection of session `index`, once it exists."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._sessions) > index, timeout):
                raise AssertionError(f"websockify never connected to the target for session "
                                     f"{index} within {timeout} s")
            return self._sessions[index]["peer_port"]

    def count(self):
        with self._changed:
            return len(self._sessions)

    def finished_session(self, index, timeout=TIMEOUT):
        """(bytes, how it ended) of session `index` once websockify has closed it."""
        with self._changed:
            done = self._changed.wait_for(
                lambda: len(self._sessions) > index and self._sessions[index]["end"], timeout)
            if not done:
                got = bytes(self._sessions[index]["data"]) if len(self._sessions) > index else None
                raise AssertionError(f"target session {index} not ended by websockify within "
                                     f"{timeout} s (received so far: "
                                     f"{None if got is None else len(got)} bytes)")
            record = self._sessions[index]
            end = record["end"]
            if "echo_error" in record:
                end += f" (echoing had failed: {record['echo_error']})"
            return bytes(record["data"]), end


# --- the client side -----------------------------------------------------------------------

frame = build_frame  # (opcode, payload, fin=True, mask=True, rsv=0): a client frame


def close_frame(code=None, reason=b""):
    return frame(OP_CLOSE, b"" if code is None else struct.pack("!H", code) + reason)


def read_server_frame(client):
    """(opcode, payload) of the next server frame, checking §5.1/§5.2 on the way: unmasked,
    FIN set and no RSV bit (no extension was negotiated and the server never fragments), a
    known opcode, and the minimal length encoding."""
    first, second = client._take(2)
    if second & 0x80:
        raise AssertionError("server sent a masked frame (§5.1)")
    size = second & 0x7F
    if size == 126:
        size = struct.unpack("!H", client._take(2))[0]
        assert size >= 126, f"16-bit length used for {size} bytes (§5.2: minimal encoding)"
    elif size == 127:
        size = struct.unpack("!Q", client._take(8))[0]
        assert size >= 1 << 16, f"64-bit length used for {size} bytes (§5.2: minimal encoding)"
    assert first & 0x70 == 0, f"server frame with RSV bits {first >> 4 & 7:03b} (§5.2)"
    assert first & 0x80, "server sent a non-final frame"
    opcode = first & 0x0F
    assert opcode in (OP_BINARY, OP_CLOSE, OP_PING, OP_PONG), f"server sent opcode {opcode:#x}"
    return opcode, client._take(size)


def receive_echo(client, count):
    """Binary payloads until `count` bytes; any other frame (a close, a pong) fails the test."""
    got = bytearray()
    while len(got) < count:
        try:
            opcode, payload = read_server_frame(client)
        except EOFError as exc:
            raise AssertionError(f"{exc}; got {len(got)} of {count} echoed bytes") from None
        if opcode == OP_CLOSE:
            raise AssertionError(f"close {parse_close(payload)} after {len(got)} of {count} "
                                 f"echoed bytes")
        assert opcode == OP_BINARY, f"opcode {opcode:#x} where echoed data was expected"
        got += payload
    assert len(got) == count, f"{len(got)} bytes echoed, expected {count}"
    return bytes(got)


def receive_pong(client, data=None):
    """The next pong's payload; binary frames before it are appended to `data` (a bytearray,
    for echoes that may overtake it), or fail the test when data is None."""
    while True:
        opcode, payload = read_server_frame(client)
        if opcode == OP_PONG:
            return payload
        if opcode == OP_BINARY and data is not None:
            data += payload
            continue
        what = f"close {parse_close(payload)}" if opcode == OP_CLOSE else f"opcode {opcode:#x}"
        raise AssertionError(f"{what} where a pong was expected")


def receive_close(client):
    """(code, reason bytes, echoed data) of the server's close frame, then checks that TCP
    ends: an orderly FIN with no byte after the close frame (§5.5.1, §7.1.1)."""
    data = bytearray()
    while True:
        try:
            opcode, payload = read_server_frame(client)
        except EOFError as exc:
            raise AssertionError(f"no close frame before the connection ended ({exc})") from None
        if opcode == OP_CLOSE:
            break
        if opcode == OP_PONG:
            raise AssertionError(f"a pong {payload[:20]!r} came before the close frame")
        if opcode == OP_BINARY:
            data += payload
    code, _ = parse_close(payload)
    expect_tcp_end(client)
    return code, payload[2:], bytes(data)


def expect_tcp_end(client):
    """The server ends TCP after its close frame, without sending anything else."""
    try:
        client._fill()
    except EOFError:
        assert client._buffer == b"", f"bytes after the close frame: {client._buffer[:40]!r}"
        return
    raise AssertionError(f"bytes after the close frame: {client._buffer[:40]!r}")


class Session:
    """One upgraded RawClient plus the index of its session at the target."""

    def __init__(self, server, target):
        self.target = target
        self.index = target.count()
        self.client = RawClient(server.port, timeout=TIMEOUT)
        self.client.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.client.upgrade()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.client.sock.close()

    def send(self, data):
        self.client.send(data)

    def delivered(self):
        """What the target got in this session and how it ended (waits for the end)."""
        return self.target.finished_session(self.index)


def send_on_thread(action):
    """Runs action() on a thread, so the echo can be read while it sends; returns a join
    function that re-raises what the thread raised."""
    errors = []

    def run():
        try:
            action()
        except BaseException as exc:  # reported by join()
            errors.append(exc)

    thread = threading.Thread(target=run, name="sender", daemon=True)
    thread.start()

    def join():
        thread.join(TIMEOUT * 3)
        assert not thread.is_alive(), "the sender thread is still blocked"
        if errors:
            raise errors[0]
    return join


def byte_by_byte(server, client, data, wait_for=0):
    """Sends `data` one byte per send(); after each of the first `wait_for` bytes waits until
    websockify has read it, so each of those bytes is a read of its own."""
    for i in range(len(data)):
        client.send(data[i:i + 1])
        if i < wait_for:
            wait_until_read(server, client.sock)


def text_payload(size, seed):
    """`size` bytes of valid UTF-8 mixing 1- to 4-byte characters (padded with ASCII)."""
    rng = random_bytes(seed=seed, size=size + 1)
    alphabet = ["a", "Z", "~", "é", "κ", "€", "한", "😀", "\U0010FFFF"]
    out = bytearray()
    for r in rng:
        char = alphabet[r % len(alphabet)].encode()
        if len(out) + len(char) > size:
            break
        out += char
    out += b"x" * (size - len(out))
    assert len(out) == size
    codecs.decode(bytes(out), "utf-8")
    return bytes(out)


def message_payload(opcode, size, seed):
    return text_payload(size, seed) if opcode == OP_TEXT else random_bytes(seed=seed, size=size)


def check_violation(server, target, valid, bad, name, chop=False):
    """Sends `valid` ((frame, payload) pairs), the violating frame `bad`, then a ping and more
    data, all in one write (or with `chop` one byte per send): the close code must be 1002, no
    pong may come (nothing after the violation is processed), and the target must get exactly
    the valid frames' payload, then an orderly end of its connection."""
    after = frame(OP_PING, b"after") + frame(OP_BINARY, b"must not be relayed")
    with Session(server, target) as s:
        data = b"".join(f for f, _ in valid) + bad + after
        if chop:
            try:
                byte_by_byte(server, s.client, data)
            except OSError:
                pass  # websockify may close before the bytes after the violation are sent
        else:
            s.send(data)
        code, reason, echoed = receive_close(s.client)
        delivered, end = s.delivered()
    expected = b"".join(p for _, p in valid)
    assert code == 1002, f"{name}: close {code} {reason!r}, expected 1002"
    assert delivered == expected, f"{name}: target got {delivered[:60]!r}, expected " \
        f"{expected[:60]!r} ({first_difference(expected, delivered)})"
    assert expected.startswith(echoed), f"{name}: echo {echoed[:60]!r} is not the valid bytes"
    assert end == "EOF", f"{name}: target session ended with {end}"
    return f"close {code} {reason.decode(errors='replace')!r}"


def run_entries(entries, check):
    """check(entry) for each; all failures are reported together."""
    failures = []
    for entry in entries:
        try:
            print(f"  ok  {entry[0]}: {check(entry)}")
        except (AssertionError, OSError, EOFError) as exc:
            failures.append(f"{entry[0]}: {exc}")
            print(f"  BAD {entry[0]}: {exc}")
    assert not failures, f"{len(failures)} of {len(entries)}:\n  " + "\n  ".join(failures)


# --- 1.x framing -----------------------------------------------------------------------------

LENGTHS = [0, 1, 125, 126, 127, 128, 65535, 65536, 65537, MIB]


def framing_lengths_whole():
    """Autobahn 1.1.1-1.1.7, 1.2.1-1.2.7: text and binary messages at each length-encoding
    boundary (7-bit, 16-bit, 64-bit; §5.2), each one frame in one write, echoed exactly.
    An empty message relays nothing, so the next echo must be exactly the next message."""
    with RecordingTarget() as target, Websockify(target.port) as server:
        with Session(server, target) as s:
            for opcode in (OP_TEXT, OP_BINARY):
                for size in LENGTHS:
                    payload = message_payload(opcode, size, seed=size + opcode)
                    join = send_on_thread(lambda: s.send(frame(opcode, payload)))
                    echoed = receive_echo(s.client, size)
                    join()
                    assert echoed == payload, \
                        f"opcode {opcode}, {size} bytes: {first_difference(payload, echoed)}"
                    print(f"  ok  {'text' if opcode == OP_TEXT else 'binary'} {size} bytes")
            s.send(close_frame(1000))
            code, _, _ = receive_close(s.client)
            assert code == 1000, f"close {code} after the length cases, expected 1000"


def framing_split_across_reads():
    """Autobahn 1.1.8, 1.2.8 (which cut 65536-byte frames into 997-byte chops), more finely:
    the same boundaries with every frame sent one byte per send(); each header byte is a read
    of its own (we wait until websockify read it), so the 2-, 4- and 10-byte headers and the
    mask key are parsed across reads."""
    with RecordingTarget() as target, Websockify(target.port) as server:
        with Session(server, target) as s:
            for opcode in (OP_TEXT, OP_BINARY):
                for size in (0, 1, 125, 126, 127, 128, 65535, 65536):
                    payload = message_payload(opcode, size, seed=size + 10 * opcode)
                    data = frame(opcode, payload)
                    header = len(data) - size
                    join = send_on_thread(lambda: byte_by_byte(server, s.client, data, header + 1))
                    echoed = receive_echo(s.client, size)
                    join()
                    assert echoed == payload, \
                        f"opcode {opcode}, {size} bytes: {first_difference(payload, echoed)}"
                    print(f"  ok  {'text' if opcode == OP_TEXT else 'binary'} {size} bytes "
                          f"({header}-byte header) in 1-byte sends")
            s.send(close_frame(1000))
            code, _, _ = receive_close(s.client)
            assert code == 1000, f"close {code} after the split cases, expected 1000"


# --- 2.x pings and pongs ---------------------------------------------------------------------

def ping_payloads_answered():
    """Autobahn 2.1-2.4, 2.6, 2.10, 2.11: each ping gets a pong with the same payload (§5.5.2,
    §5.5.3): empty, text, all byte values, 125 bytes (the maximum), one sent one byte per read;
    ten in one write and ten sent one byte per send (ten pongs each, in order); the relay goes
    on after them and no ping payload reaches the target."""
    payloads = [b"", b"Hello, world!", bytes(range(125)), bytes(range(255, 130, -1))]
    with RecordingTarget() as target, Websockify(target.port) as server:
        with Session(server, target) as s:
            for payload in payloads:
                s.send(frame(OP_PING, payload))
                pong = receive_pong(s.client)
                assert pong == payload, f"pong {pong!r} for ping {payload!r}"
            chopped = bytes(range(3, 128))
            byte_by_byte(server, s.client, frame(OP_PING, chopped), wait_for=6)
            assert receive_pong(s.client) == chopped, "a ping sent byte by byte: wrong pong"
            ten = [b"ping %d" % i for i in range(10)]
            s.send(b"".join(frame(OP_PING, p) for p in ten))
            got = [receive_pong(s.client) for _ in ten]
            assert got == ten, f"pongs {got}, expected {ten} in order"
            byte_by_byte(server, s.client, b"".join(frame(OP_PING, p) for p in ten))
            got = [receive_pong(s.client) for _ in ten]
            assert got == ten, f"pongs {got} for 10 pings sent byte by byte, expected {ten}"
            data = random_bytes(seed=21, size=3000)
            s.send(frame(OP_BINARY, data))
            assert receive_echo(s.client, len(data)) == data, "relay after pings: echo differs"
            s.send(close_frame(1000))
            assert receive_close(s.client)[0] == 1000
            delivered, _ = s.delivered()
            assert delivered == data, f"the target got {delivered[:40]!r}... " \
                f"({len(delivered)} bytes), expected only the {len(data)} data bytes"


def unsolicited_pongs_ignored():
    """Autobahn 2.7-2.9: pongs nobody asked for are allowed (§5.5.3) and answered with
    nothing: the next frame back is the echo of the data sent after them; a ping sent after
    an unsolicited pong gets its own payload back."""
    data = b"after the pongs"
    with RecordingTarget() as target, Websockify(target.port) as server:
        with Session(server, target) as s:
            s.send(frame(OP_PONG, b"") + frame(OP_PONG, b"unsolicited") +
                   frame(OP_PONG, bytes(125)) + frame(OP_BINARY, data))
            assert receive_echo(s.client, len(data)) == data, "echo after pongs differs"
            s.send(frame(OP_PONG, b"unsolicited 2") + frame(OP_PING, b"solicited"))
            pong = receive_pong(s.client)
            assert pong == b"solicited", f"pong {pong!r} for ping b'solicited'"
            s.send(close_frame(1000))
            assert receive_close(s.client)[0] == 1000
            assert s.delivered()[0] == data, "pong payloads reached the target"


def pong_frame_rules_1002():
    """Autobahn 5.2 (and 2.5 for pongs): a pong is a control frame too, so a fragmented one or
    one over 125 bytes fails the connection (§5.5)."""
    with RecordingTarget(echo=False) as target, Websockify(target.port) as server:
        entries = [
            ("fragmented pong", frame(OP_PONG, b"pong", fin=False)),
            ("fragmented pong with its continuation",
             frame(OP_PONG, b"po", fin=False) + frame(OP_CONT, b"ng")),
            ("pong of 126 bytes", frame(OP_PONG, bytes(126))),
        ]
        valid = [(frame(OP_BINARY, b"before"), b"before")]
        run_entries(entries, lambda e: check_violation(server, target, valid, e[1], name=e[0]))


# --- 3.x reserved bits -------------------------------------------------------------------------

def reserved_bits_stop_the_relay():
    """Autobahn 3.1-3.7: any RSV combination without a negotiated extension fails the
    connection with 1002 (§5.2), on text, binary, ping, close and continuation frames, after a
    valid frame and followed by a ping and data in the same write (and a few one byte per
    send): the valid bytes reach the target, the ping is never answered, the data after it
    never relayed. (RSV1 alone on a data frame is also test_compression.py's
    rsv1_without_negotiation_1002.)"""
    with RecordingTarget(echo=False) as target, Websockify(target.port) as server:
        entries = []
        for rsv in range(1, 8):
            for name, opcode in (("text", OP_TEXT), ("binary", OP_BINARY), ("ping", OP_PING),
                                 ("close", OP_CLOSE), ("continuation", OP_CONT)):
                payload = struct.pack("!H", 1000) if opcode == OP_CLOSE else b"rsv payload"
                bad = frame(opcode, payload, rsv=rsv)
                valid = [(frame(OP_BINARY, b"valid before"), b"valid before")]
                if opcode == OP_CONT:
                    valid.append((frame(OP_TEXT, b"started", fin=False), b"started"))
                entries.append((f"RSV {rsv:03b} on {name}", valid, bad, False))
        entries += [(f"RSV {rsv:03b} on text, one byte per send",
                     [(frame(OP_TEXT, b"valid"), b"valid")], frame(OP_TEXT, b"bad", rsv=rsv), True)
                    for rsv in (0b010, 0b100)]
        run_entries(entries, lambda e: check_violation(server, target, e[1], e[2], e[0], e[3]))


# --- 4.x opcodes ---------------------------------------------------------------------------------

def reserved_opcodes_stop_the_relay():
    """Autobahn 4.1.1-4.1.5, 4.2.1-4.2.5: reserved non-control (3-7) and control (0xB-0xF)
    opcodes fail with 1002 (§5.2), empty or with a payload, after a valid frame, inside a
    fragmented message, one byte per send, and followed by a ping and data that must never be
    processed."""
    with RecordingTarget(echo=False) as target, Websockify(target.port) as server:
        entries = []
        for op in [*range(3, 8), *range(0xB, 0x10)]:
            entries.append((f"opcode {op:#x} empty", [(frame(OP_BINARY, b"v"), b"v")],
                            frame(op, b""), False))
            entries.append((f"opcode {op:#x} with payload",
                            [(frame(OP_TEXT, b"valid"), b"valid")], frame(op, b"reserved"), False))
            entries.append((f"opcode {op:#x} between fragments",
                            [(frame(OP_BINARY, b"first", fin=False), b"first")],
                            frame(op, b"x") + frame(OP_CONT, b" rest"), False))
        entries += [(f"opcode {op:#x} with payload, one byte per send",
                     [(frame(OP_TEXT, b"valid"), b"valid")], frame(op, b"reserved"), True)
                    for op in (0x7, 0xF)]
        run_entries(entries, lambda e: check_violation(server, target, e[1], e[2], e[0], e[3]))


# --- 5.x fragmentation -----------------------------------------------------------------------

def continuation_after_a_finished_message_1002():
    """Autobahn 5.15-5.17 (5.9-5.14, a continuation at the start of the session, are in
    test_malformed.py's frame_corpus): a continuation after a finished message, whole or
    fragmented, has nothing to continue (§5.4), so 1002; the finished message was relayed."""
    with RecordingTarget(echo=False) as target, Websockify(target.port) as server:
        whole = [(frame(OP_TEXT, b"whole"), b"whole")]
        fragmented = [(frame(OP_TEXT, b"frag", fin=False), b"frag"),
                      (frame(OP_CONT, b"ments"), b"ments")]
        entries = [
            ("final continuation after a whole message", whole, frame(OP_CONT, b"x")),
            ("non-final continuation after a whole message", whole,
             frame(OP_CONT, b"x", fin=False)),
            ("final continuation after a fragmented message", fragmented, frame(OP_CONT, b"x")),
            ("non-final continuation after a fragmented message", fragmented,
             frame(OP_CONT, b"x", fin=False) + frame(OP_CONT, b"y")),
            ("empty continuation after a whole binary message",
             [(frame(OP_BINARY, b"bin"), b"bin")], frame(OP_CONT, b"")),
        ]
        run_entries(entries, lambda e: check_violation(server, target, e[1], e[2], name=e[0]))


def many_small_fragments():
    """Autobahn 5.3, 5.4 and 9.3/9.4 in spirit: messages in many fragments (§5.4),
    including empty ones and 1-byte ones that cut UTF-8 characters, text and binary, relayed
    exactly; then 1 MiB binary in 64-byte fragments (16 384 frames)."""
    with RecordingTarget() as target, Websockify(target.port) as server:
        with Session(server, target) as s:
            for opcode in (OP_TEXT, OP_BINARY):
                payload = message_payload(opcode, 20_000, seed=50 + opcode)
                sizes = [(i * 7) % 65 for i in range(1000)]  # 0..64, zeros included
                pieces, at = [], 0
                for size in sizes:
                    pieces.append(payload[at:at + size])
                    at += size
                pieces.append(payload[at:])
                frames = [frame(opcode if i == 0 else OP_CONT, piece, fin=i == len(pieces) - 1)
                          for i, piece in enumerate(pieces)]
                join = send_on_thread(lambda: s.send(b"".join(frames)))
                echoed = receive_echo(s.client, len(payload))
                join()
                assert echoed == payload, f"{len(frames)} fragments: " \
                    f"{first_difference(payload, echoed)}"
                print(f"  ok  {'text' if opcode == OP_TEXT else 'binary'}: {len(payload)} bytes "
                      f"in {len(frames)} fragments")
            big = random_bytes(seed=52, size=MIB)
            frames = [frame(OP_BINARY if i == 0 else OP_CONT, big[i:i + 64],
                            fin=i + 64 >= len(big)) for i in range(0, len(big), 64)]
            join = send_on_thread(lambda: s.send(b"".join(frames)))
            echoed = receive_echo(s.client, len(big))
            join()
            assert echoed == big, f"1 MiB in 64-byte fragments: {first_difference(big, echoed)}"
            print(f"  ok  binary: 1 MiB in {len(frames)} fragments")
            s.send(close_frame(1000))
            assert receive_close(s.client)[0] == 1000


def control_frames_between_fragments():
    """Autobahn 5.6-5.8, 5.19, 5.20: pings and pongs may come between a message's fragments
    (§5.4, §5.5); each ping is answered at once, while the message is still incomplete, with
    its own payload; unsolicited pongs are ignored; the message is relayed exactly. Then the
    same in one go, one byte per send (5.7, 5.20)."""
    text = text_payload(3000, seed=60)
    parts = [text[:1001], text[1001:1002], text[1002:2500], text[2500:]]
    with RecordingTarget() as target, Websockify(target.port) as server:
        with Session(server, target) as s:
            echoed = bytearray()
            for i, part in enumerate(parts):
                last = i == len(parts) - 1
                s.send(frame(OP_TEXT if i == 0 else OP_CONT, part, fin=last))
                if not last:
                    ping = b"between %d" % i
                    s.send(frame(OP_PONG, b"unsolicited") + frame(OP_PING, ping))
                    pong = receive_pong(s.client, echoed)
                    assert pong == ping, f"pong {pong!r} for ping {ping!r} after fragment {i}"
            echoed += receive_echo(s.client, len(text) - len(echoed))
            assert bytes(echoed) == text, first_difference(text, bytes(echoed))
            chopped = b"".join(
                frame(OP_TEXT if i == 0 else OP_CONT, part, fin=i == len(parts) - 1) +
                (frame(OP_PING, b"chopped %d" % i) if i < len(parts) - 1 else b"")
                for i, part in enumerate(parts))
            byte_by_byte(server, s.client, chopped)
            echoed = bytearray()
            for i in range(len(parts) - 1):
                pong = receive_pong(s.client, echoed)
                assert pong == b"chopped %d" % i, f"pong {pong!r} in the byte-by-byte round"
            echoed += receive_echo(s.client, len(text) - len(echoed))
            assert bytes(echoed) == text, "byte by byte: " + first_difference(text, bytes(echoed))
            s.send(close_frame(1000))
            assert receive_close(s.client)[0] == 1000
            assert s.delivered()[0] == text * 2, "the target did not get exactly the texts"


# --- 6.x UTF-8 -------------------------------------------------------------------------------

VALID_UTF8 = [
    ("empty", b""),
    ("Hello-µ@ßöäüàá-UTF-8!!", "Hello-µ@ßöäüàá-UTF-8!!".encode()),
    ("kosme", "κόσμε".encode()),
    *[(f"U+{cp:04X}", chr(cp).encode()) for cp in
      (0x0000, 0x007F, 0x0080, 0x07FF, 0x0800, 0xD7FF, 0xE000, 0xFDD0, 0xFDEF, 0xFFF9,
       0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0x1FFFE, 0x10FFFE, 0x10FFFF)],
    ("all 4-byte lead bytes", "".join(chr(cp) for cp in
                                      (0x10000, 0x40000, 0x80000, 0xC0000, 0x100000)).encode()),
]


def utf8_valid_sequences_accepted():
    """Autobahn 6.1, 6.2, 6.5-6.7, 6.9, 6.11, 6.22, 6.23 (the valid cases): valid UTF-8,
    including the first and last code point of each length, the surrogate gap's edges,
    noncharacters (U+FDD0, U+FFFE, U+10FFFF...) and specials, is accepted whole, one byte per
    fragment (every character cut) and between empty fragments, and relayed exactly."""
    with RecordingTarget() as target, Websockify(target.port) as server:
        with Session(server, target) as s:
            sent = bytearray()
            for name, text in VALID_UTF8:
                fragments = [text[i:i + 1] for i in range(len(text))] or [b""]
                ways = {"whole": [frame(OP_TEXT, text)],
                        "1-byte fragments": [frame(OP_TEXT if i == 0 else OP_CONT, f,
                                                   fin=i == len(fragments) - 1)
                                             for i, f in enumerate(fragments)],
                        "with empty fragments": [frame(OP_TEXT, b"", fin=False),
                                                 frame(OP_CONT, text, fin=False),
                                                 frame(OP_CONT, b"")]}
                for way, frames in ways.items():
                    s.send(b"".join(frames))
                    echoed = receive_echo(s.client, len(text))
                    assert echoed == text, f"{name} ({way}): echoed {echoed!r}, sent {text!r}"
                    sent += text
                print(f"  ok  {name}")
            s.send(close_frame(1000))
            assert receive_close(s.client)[0] == 1000
            assert s.delivered()[0] == bytes(sent), "the target did not get exactly the texts"


INVALID_UTF8 = [
    # Invalid sequences that test_malformed.py's frame_corpus does not already send.
    ("lone continuation byte 0x80", b"\x80"),
    ("lone continuation byte 0xBF", b"\xbf"),
    ("two-byte lead then ASCII", b"\xc2A"),
    ("overlong 2-byte C1 BF", b"\xc1\xbf"),
    ("overlong 3-byte '/'", b"\xe0\x80\xaf"),
    ("overlong 3-byte boundary U+07FF", b"\xe0\x9f\xbf"),
    ("overlong 4-byte '/'", b"\xf0\x80\x80\xaf"),
    ("overlong 4-byte boundary U+FFFF", b"\xf0\x8f\xbf\xbf"),
    ("lone low surrogate U+DFFF", b"\xed\xbf\xbf"),
    ("surrogate pair (CESU-8)", b"\xed\xa0\x80\xed\xb0\x80"),
    ("lead byte F5", b"\xf5\x80\x80\x80"),
    ("5-byte form", b"\xf8\x88\x80\x80\x80"),
    ("6-byte form", b"\xfc\x84\x80\x80\x80\x80"),
    ("byte 0xFE", b"\xfe"),
    ("bytes 0xFE 0xFE 0xFF 0xFF", b"\xfe\xfe\xff\xff"),
    ("lonely start byte then space", b"\xc0 "),
    ("lonely 3-byte start then space", b"\xe0 "),
    ("concatenated incomplete sequences", b"\xc2\xe0\x80\xf0\x80\x80"),
    ("overlong NUL in 3 bytes", b"\xe0\x80\x80"),
    ("overlong NUL in 4 bytes", b"\xf0\x80\x80\x80"),
    ("3-byte sequence missing its last byte, then ASCII", b"\xe2\x82A"),
    ("4-byte sequence cut at the message end", b"\xf0\x9f\x98"),
]


def utf8_failure_index(data):
    """Index of the byte from which no valid UTF-8 can follow (len(data) for a sequence cut
    off by the message end), by feeding Python's strict decoder one byte at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    for i in range(len(data)):
        try:
            decoder.decode(data[i:i + 1])
        except UnicodeDecodeError:
            return i
    return len(data)


def utf8_invalid_sequences_1007():
    """Autobahn 6.3, 6.8, 6.10, 6.12-6.21 (the invalid cases): an invalid sequence after valid
    text fails with 1007 (§8.1), sent whole and one byte per fragment; the target never gets
    the byte that made the text invalid nor anything after it (bytes before it may have been
    relayed: a relay streams)."""
    with RecordingTarget(echo=False) as target, Websockify(target.port) as server:
        entries = []
        for name, bad in INVALID_UTF8:
            text = "κόσμε ".encode() + bad + b" tail"
            if name.endswith("at the message end"):
                text = "κόσμε ".encode() + bad
            fail_at = utf8_failure_index(text)
            fragments = [text[i:i + 1] for i in range(len(text))]
            entries.append((f"{name} (whole)", [frame(OP_TEXT, text)], text, fail_at))
            entries.append((f"{name} (1-byte fragments)",
                            [frame(OP_TEXT if i == 0 else OP_CONT, f, fin=i == len(fragments) - 1)
                             for i, f in enumerate(fragments)], text, fail_at))

        def check(entry):
            name, frames, text, fail_at = entry
            with Session(server, target) as s:
                s.send(b"".join(frames) + frame(OP_PING, b"after") + frame(OP_BINARY, b"after"))
                code, reason, _ = receive_close(s.client)
                delivered, _ = s.delivered()
            assert code == 1007, f"close {code} {reason!r}, expected 1007"
            assert text[:fail_at].startswith(delivered), \
                f"target got {delivered!r}, more than the valid prefix {text[:fail_at]!r}"
            return f"close {code}, {len(delivered)} of {fail_at} valid bytes relayed"
        run_entries(entries, check)


def utf8_fail_fast_1007():
    """Autobahn 6.4.1-6.4.4: the server fails as soon as the text can no longer be valid
    (§8.1), without waiting for the end of the frame or message, whose rest is never sent."""
    valid = "κόσμε".encode()
    bad = b"\xf4\x90\x80\x80"  # F4 may start a code point; 90 takes it above U+10FFFF
    rest = b"*" * 1000
    whole = frame(OP_TEXT, valid + bad + rest)
    started = whole[:len(whole) - len(rest)]  # header, valid text and the bad bytes only
    with RecordingTarget(echo=False) as target, Websockify(target.port) as server:
        entries = [
            ("invalid fragment of an unfinished message",
             lambda s: s.send(frame(OP_TEXT, valid, fin=False) + frame(OP_CONT, bad, fin=False))),
            ("invalid bytes at the start of a frame whose rest never comes",
             lambda s: s.send(started)),
            ("the same one byte per read",
             lambda s: byte_by_byte(server, s.client, started, wait_for=len(started))),
        ]

        def check(entry):
            _, send = entry
            with Session(server, target) as s:
                send(s)
                code, reason, _ = receive_close(s.client)
                delivered, _ = s.delivered()
            assert code == 1007, f"close {code} {reason!r}, expected 1007"
            # The lead byte F4 is still a valid start; 0x90 is where the text turns invalid.
            assert (valid + bad[:1]).startswith(delivered), f"target got {delivered!r}"
            return f"close {code} without the rest of the message ({len(delivered)} bytes relayed)"
        run_entries(entries, check)


# --- 7.x close handling ----------------------------------------------------------------------

def close_codes_echoed():
    """Autobahn 7.7.1-7.7.13: every code a client may send (1000-1003, 1007-1014 of the IANA
    registry, 3000-4999) is answered with a close frame carrying the same code (§5.5.1, §7.4),
    and the server then ends TCP (§7.1.1). Data exchanged before still echoes."""
    codes = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014,
             3000, 3999, 4000, 4999]
    with RecordingTarget() as target, Websockify(target.port) as server:
        def check(entry):
            _, code = entry
            with Session(server, target) as s:
                s.send(frame(OP_BINARY, b"data %d" % code))
                assert receive_echo(s.client, len(b"data %d" % code)) == b"data %d" % code
                s.send(close_frame(code, b"reason %d" % code))
                got, reason, _ = receive_close(s.client)
            assert got == code, f"close {code} answered with {got} {reason!r}"
            return f"answered {got} {reason!r}"
        run_entries([(f"code {code}", code) for code in codes], check)


def close_codes_unassigned_1002():
    """Autobahn 7.9.x codes not already in test_malformed.py's frame_corpus (which has 0, 999,
    1004-1006, 1015, 1016, 2999, 5000, 65535): 1017, 1100, 2000 are reserved, never sent
    (§7.4.2), so 1002. (Autobahn also lists 1012-1014, unassigned when it was written: they are
    registered now and accepted, see close_codes_echoed.)"""
    with RecordingTarget(echo=False) as target, Websockify(target.port) as server:
        valid = [(frame(OP_BINARY, b"before"), b"before")]
        run_entries([(f"code {code}", code) for code in (1017, 1100, 2000)],
                    lambda e: check_violation(server, target, valid, close_frame(e[1]),
                                              name=e[0]))


def close_payloads():
    """Autobahn 7.3.1-7.3.6, 7.5.1 (valid side): an empty close is answered with an empty
    close (1005 is never put on the wire, §7.4.1); a code alone, a 123-byte reason (the most
    that fits in 125 bytes) in ASCII or multi-byte UTF-8 are echoed as they came; a 124-byte
    reason makes a 126-byte control frame: 1002. Each time TCP ends after the close frame."""
    code_1000 = struct.pack("!H", 1000)
    ascii123 = code_1000 + b"r" * 123
    utf8_123 = struct.pack("!H", 4000) + "κ".encode() * 61 + b"!"  # 62 characters
    with RecordingTarget() as target, Websockify(target.port) as server:
        def check(entry):
            _, payload, expected = entry
            with Session(server, target) as s:
                s.send(frame(OP_CLOSE, payload))
                code, reason, _ = receive_close(s.client)
            got = b"" if code == 1005 else struct.pack("!H", code) + reason
            assert got == expected, f"close payload {got[:40]!r}..., expected {expected[:40]!r}"
            return f"answered {code} with a {len(reason)}-byte reason"
        run_entries([("empty close", b"", b""), ("code only", code_1000, code_1000),
                     ("123-byte ASCII reason", ascii123, ascii123),
                     ("123-byte multi-byte UTF-8 reason", utf8_123, utf8_123)], check)
        too_long = frame(OP_CLOSE, code_1000 + b"r" * 124)
        run_entries([("124-byte reason", too_long)],
                    lambda e: check_violation(server, target, [], e[1], name=e[0]))


def nothing_processed_after_close():
    """Autobahn 7.1.1-7.1.4: after the client's close frame (§5.5.1) nothing it sends is
    processed: a ping gets no pong, data is not relayed, a second close is not answered. Once
    in the same write as the close, once after the server's close answer arrived."""
    with RecordingTarget(echo=False) as target, Websockify(target.port) as server:
        after = frame(OP_PING, b"late") + frame(OP_BINARY, b"late data") + close_frame(1001)
        with Session(server, target) as s:
            s.send(frame(OP_BINARY, b"before close") + close_frame(1000) + after)
            code, _, _ = receive_close(s.client)
            delivered, end = s.delivered()
        assert code == 1000, f"close answered with {code}, expected 1000"
        assert delivered == b"before close", f"target got {delivered!r}"
        assert end == "EOF", f"target session ended with {end}"
        print("  ok  in the same write: close 1000, no pong, nothing relayed after the close")
        with Session(server, target) as s:
            s.send(frame(OP_BINARY, b"first"))
            s.send(close_frame(1000))
            code, _, _ = receive_close(s.client)  # also checks that TCP ended
            try:
                s.send(after)
            except OSError:
                pass  # the server may have closed its socket already
            delivered, end = s.delivered()
        assert code == 1000, f"close answered with {code}, expected 1000"
        assert delivered == b"first", f"target got {delivered!r}"
        print("  ok  after the close answer: nothing relayed")


def close_between_fragments():
    """Autobahn 7.1.5: a close between a message's fragments is a control frame like any
    other (§5.4): it is answered with the same code, and the rest of the message is not relayed
    (the first fragment was, since a relay streams)."""
    with RecordingTarget(echo=False) as target, Websockify(target.port) as server:
        with Session(server, target) as s:
            s.send(frame(OP_TEXT, b"fragment one", fin=False) + close_frame(1000) +
                   frame(OP_CONT, b"fragment two"))
            code, _, _ = receive_close(s.client)
            delivered, end = s.delivered()
    assert code == 1000, f"close answered with {code}, expected 1000"
    assert delivered == b"fragment one", f"target got {delivered!r}"
    assert end == "EOF", f"target session ended with {end}"


def message_then_close_reaches_the_target():
    """Autobahn 7.1.1/7.1.6 as they apply to a relay: a message followed at once by a close.
    The whole message must reach the target before websockify ends that connection (README:
    "a client's close code is echoed"; the relay's own rule is to let the target read
    everything delivered), also when the target is busy: here it sends a flood of its own
    that we do not read yet, and reads slowly (64 KiB per 10 ms). Then we read: whole frames,
    the close frame with our 1000, the end of TCP."""
    payload = random_bytes(seed=71, size=MIB)
    with RecordingTarget(echo=False, flood=True, pace=CHUNK) as target, \
            Websockify(target.port) as server:
        with Session(server, target) as s:
            wait_until_blocked_towards_client(server, s)
            join = send_on_thread(lambda: s.send(frame(OP_BINARY, payload) + close_frame(1000) +
                                                 frame(OP_PING, b"after close")))
            join()
            try:
                code, _, _ = receive_close(s.client)
                close_problem = None
            except AssertionError as exc:
                close_problem = str(exc)
            delivered, end = s.delivered()
            try:
                log = server.wait_for_log(r"session closed: .*", timeout=2).group(0)
            except AssertionError:
                log = "(no 'session closed' line)"
        print(f"  target got {len(delivered)} of {len(payload)} bytes, its connection ended "
              f"with {end}; websockify: {log}")
        assert delivered == payload, \
            f"the target got {len(delivered)} of the {len(payload)} bytes of the message sent " \
            f"before the close ({first_difference(payload, delivered)}); its connection " \
            f"ended with {end}; websockify logged: {log}"
        assert close_problem is None, close_problem
        assert code == 1000, f"close answered with {code}, expected 1000"


def tcp_queues(local_port, remote_port=None):
    """(tx_queue, rx_queue) of each established IPv4 socket with this local (and remote)
    port, from /proc/net/tcp: bytes not yet sent (the peer's window is full) and not yet
    read by the owner."""
    found = []
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            fields = line.split()
            local, remote, state, queues = fields[1], fields[2], fields[3], fields[4]
            if state != "01" or int(local.split(":")[1], 16) != local_port:
                continue
            if remote_port is None or int(remote.split(":")[1], 16) == remote_port:
                tx, rx = queues.split(":")
                found.append((int(tx, 16), int(rx, 16)))
    return found


def wait_until_blocked_towards_client(server, session):
    """Waits until websockify's write towards our (unread) socket is stuck: it has bytes it
    cannot send us (our window is full), and its flooding target cannot send any more either
    (websockify stopped reading it, as it reads only once the previous write completed)."""
    client_port = session.client.sock.getsockname()[1]
    target_side = session.target.peer_port(session.index)
    deadline = time.monotonic() + TIMEOUT
    while not (any(tx for tx, _ in tcp_queues(server.port, client_port)) and
               any(tx for tx, _ in tcp_queues(session.target.port, target_side))):
        assert time.monotonic() < deadline, "the flooding target's sends never blocked"
        time.sleep(0.005)  # polling the kernel's queues, the condition itself


def close_answered_while_a_frame_is_in_flight():
    """§5.5.1, §7.1.1 and §5.2 while the server is in the middle of writing a frame to us: a
    target floods us and we read nothing until websockify's write is stuck (the target cannot
    send any more), then send a close (or a violation). Whatever websockify does with the
    target's data, the bytes it sends must stay whole frames, then its close frame (our code
    echoed, or 1002), then the end of TCP."""
    with RecordingTarget(echo=False, flood=True) as target, Websockify(target.port) as server:
        def check(entry):
            _, data, expected = entry
            with Session(server, target) as s:
                wait_until_blocked_towards_client(server, s)
                s.send(data)
                frames, size = 0, 0
                while True:
                    try:
                        opcode, payload = read_server_frame(s.client)
                    except EOFError:
                        raise AssertionError(
                            f"TCP ended inside a frame, without a close frame, after {frames} "
                            f"whole frames ({size} bytes): the last frame was cut off, "
                            f"{len(s.client._buffer)} bytes of its payload arrived") from None
                    if opcode == OP_CLOSE:
                        break
                    assert opcode == OP_BINARY, f"opcode {opcode:#x} in the flood"
                    frames, size = frames + 1, size + len(payload)
                code, reason = parse_close(payload)
                expect_tcp_end(s.client)
                s.delivered()  # the target's connection ends too
            assert code == expected, f"close answered with {code} {reason!r}, expected {expected}"
            return f"{frames} whole frames ({size} bytes), then close {code} {reason!r}"
        # A write blocked right at a frame boundary cannot be cut: each is tried three times.
        run_entries([(f"{name}, try {n}", data, code) for n in (1, 2, 3)
                     for name, data, code in (("client close", close_frame(1000, b"bye"), 1000),
                                              ("reserved opcode", frame(0x3, b""), 1002))], check)


# --- 9.x limits --------------------------------------------------------------------------------

def max_message_size_boundaries():
    """Autobahn 9.x against --max-message-size 65536: a message of exactly the limit passes
    (text and binary, whole and fragmented); one byte more in a single frame fails with 1009
    as soon as its header arrives (the payload is never sent), and nothing of it is relayed.
    (test_frames.py's oversize_message_1009 covers the fragmented 1001-of-1000 case.)"""
    limit = 65536
    with RecordingTarget() as target, Websockify(target.port, "--max-message-size",
                                                 str(limit)) as server:
        with Session(server, target) as s:
            for opcode in (OP_TEXT, OP_BINARY):
                payload = message_payload(opcode, limit, seed=90 + opcode)
                whole = frame(opcode, payload)
                split = frame(opcode, payload[:30000], fin=False) + frame(OP_CONT, payload[30000:])
                for way, data in (("whole", whole), ("in 2 fragments", split)):
                    join = send_on_thread(lambda: s.send(data))
                    echoed = receive_echo(s.client, limit)
                    join()
                    assert echoed == payload, f"{limit} bytes {way}: " \
                        f"{first_difference(payload, echoed)}"
                    print(f"  ok  {'text' if opcode == OP_TEXT else 'binary'} of {limit} "
                          f"bytes {way}")
            s.send(close_frame(1000))
            assert receive_close(s.client)[0] == 1000

        def check(entry):
            name, data = entry
            with Session(server, target) as s:
                s.send(data)
                code, reason, _ = receive_close(s.client)
                delivered, _ = s.delivered()
            assert code == 1009, f"close {code} {reason!r}, expected 1009"
            assert delivered == b"", f"{len(delivered)} bytes of the oversize message relayed"
            return f"close {code} {reason.decode()!r}"
        over = frame(OP_BINARY, bytes(limit + 1))
        run_entries([
            ("binary of limit+1 bytes, header only", over[:len(over) - limit - 1]),
            ("text of limit+1 bytes, header only",
             frame(OP_TEXT, b"t" * (limit + 1))[:len(over) - limit - 1]),
            ("binary of limit+1 bytes, whole", over),
        ], check)


def large_messages_echoed():
    """Autobahn 9.1.x/9.2.x: text and binary messages of 4 and 16 MiB in one frame, and 4 MiB
    in 4 KiB fragments, relayed exactly under the default 64 MiB limit."""
    with RecordingTarget() as target, Websockify(target.port) as server:
        with Session(server, target) as s:
            for opcode, size, piece in ((OP_BINARY, 4 * MIB, None), (OP_TEXT, 4 * MIB, None),
                                        (OP_BINARY, 16 * MIB, None), (OP_TEXT, 16 * MIB, None),
                                        (OP_BINARY, 4 * MIB, 4096), (OP_TEXT, 4 * MIB, 4096)):
                payload = (b"*" * size if opcode == OP_TEXT
                           else random_bytes(seed=size, size=size))
                if piece is None:
                    data = frame(opcode, payload)
                else:
                    data = b"".join(frame(opcode if i == 0 else OP_CONT, payload[i:i + piece],
                                          fin=i + piece >= size) for i in range(0, size, piece))
                join = send_on_thread(lambda: s.send(data))
                echoed = receive_echo(s.client, size)
                join()
                name = f"{'text' if opcode == OP_TEXT else 'binary'} {size // MIB} MiB" + \
                    (f" in {piece}-byte fragments" if piece else "")
                assert echoed == payload, f"{name}: {first_difference(payload, echoed)}"
                print(f"  ok  {name}")
            s.send(close_frame(1000))
            assert receive_close(s.client)[0] == 1000


CASES = [framing_lengths_whole, framing_split_across_reads,
         ping_payloads_answered, unsolicited_pongs_ignored, pong_frame_rules_1002,
         reserved_bits_stop_the_relay, reserved_opcodes_stop_the_relay,
         continuation_after_a_finished_message_1002, many_small_fragments,
         control_frames_between_fragments,
         utf8_valid_sequences_accepted, utf8_invalid_sequences_1007, utf8_fail_fast_1007,
         close_codes_echoed, close_codes_unassigned_1002, close_payloads,
         nothing_processed_after_close, close_between_fragments,
         message_then_close_reaches_the_target, close_answered_while_a_frame_is_in_flight,
         max_message_size_boundaries, large_messages_echoed]

if __name__ == "__main__":
    run_cases({f.__name__: f for f in CASES})
