"""permessage-deflate (RFC 7692) with --compress: negotiation, byte-exact echo through
Python websockets, Node ws and a raw client that checks the frames on the wire, context
takeover, the decompression bomb limit, and measured ratio and CPU cost."""

import os
import random
import struct
import subprocess
import threading
import time
import zlib

from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory

from harness import (MIB, OP_BINARY, OP_CLOSE, OP_TEXT, EchoTarget, RawClient, RssSampler,
                     Websockify, connect, echo, first_difference, indent, parse_close,
                     random_bytes, receive_bytes, run_cases)

NODE = os.environ.get("NODE") or "node"
NODE_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node",
                           "permessage_deflate.js")
RSV1 = 0x40
TAIL = b"\x00\x00\xff\xff"  # RFC 7692 §7.2.1: removed by the sender, appended by the receiver


def compressible_text(size):
    """Repetitive text, like terminal or protocol traffic."""
    lines = b"".join(f"line {i % 97}: the quick brown fox jumps\n".encode() for i in range(2000))
    return (lines * (size // len(lines) + 1))[:size]


WORDS = ("the session target client frame message window buffer close relay socket server "
         "header payload zlib deflate return const struct while value string error timeout if "
         "else for int size data read write").split()


def word_text(seed, size):
    """Seeded random words: compresses about as well as prose or source code does."""
    rng = random.Random(seed)
    words = rng.choices(WORDS, k=size // 4)
    seps = rng.choices([" "] * 8 + ["\n"], k=len(words))
    text = "".join(w + s for w, s in zip(words, seps)).encode()
    assert len(text) >= size
    return text[:size]


# --- a raw permessage-deflate client -------------------------------------------------------

def masked_frame(first_byte, payload):
    """A masked client frame; masking by big-integer XOR keeps megabytes fast in Python."""
    size = len(payload)
    if size < 126:
        head = bytes([first_byte, 0x80 | size])
    elif size < 1 << 16:
        head = bytes([first_byte, 0x80 | 126]) + struct.pack("!H", size)
    else:
        head = bytes([first_byte, 0x80 | 127]) + struct.pack("!Q", size)
    key = os.urandom(4)
    repeated = (key * (size // 4 + 1))[:size]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(size, "big")
    return head + key + masked


class DeflateClient(RawClient):
    """RawClient speaking permessage-deflate with Python's zlib, keeping wire statistics."""

    def __init__(self, port, offer="permessage-deflate", timeout=10.0):
        super().__init__(port, timeout)
        self.offer = offer
        self.wire_bytes = 0  # payload bytes of server data frames, as sent
        self.response = None
        self.compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.decompressor = zlib.decompressobj(-15)

    def handshake(self):
        extra = [f"Sec-WebSocket-Extensions: {self.offer}"] if self.offer else []
        self.response = self.upgrade(extra=extra)
        return self.response.headers.get("sec-websocket-extensions")

    def send_compressed(self, data, opcode=OP_BINARY):
        compressed = self.compressor.compress(data) + self.compressor.flush(zlib.Z_SYNC_FLUSH)
        assert compressed.endswith(TAIL)
        self.send(masked_frame(0x80 | RSV1 | opcode, compressed[:-4]))

    def read_data_frame(self):
        """(rsv1, payload as sent) of the next data frame; AssertionError on a close."""
        first, second = self._take(2)
        size = second & 0x7F
        if size == 126:
            size = struct.unpack("!H", self._take(2))[0]
        elif size == 127:
            size = struct.unpack("!Q", self._take(8))[0]
        payload = self._take(size)
        opcode = first & 0x0F
        if opcode == OP_CLOSE:
            raise AssertionError(f"websockify closed: {parse_close(payload)}")
        assert first & 0x80, "websockify sent a fragmented message"
        assert opcode == OP_BINARY, f"expected binary frames, got opcode {opcode}"
        self.wire_bytes += size
        return bool(first & RSV1), payload

    def read_message(self):
        rsv1, payload = self.read_data_frame()
        if not rsv1:
            return payload
        return self.decompressor.decompress(payload + TAIL)

    def receive(self, count):
        got = bytearray()
        while len(got) < count:
            got += self.read_message()
        return bytes(got)


def echo_through(client, data, message_size=64 * 1024):
    """Sends data as compressed messages while a thread reads the echo (no deadlock)."""
    received = {}

    def reader():
        try:
            received["data"] = client.receive(len(data))
        except BaseException as exc:  # reported by the main thread
            received["error"] = exc

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    for pos in range(0, len(data), message_size):
        client.send_compressed(data[pos:pos + message_size])
    thread.join(60)
    if "error" in received:
        raise received["error"]
    assert "data" in received, "echo not complete within 60 s"
    return received["data"]


def cpu_seconds(pid):
    """utime + stime of a process (/proc/PID/stat fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- cases ---------------------------------------------------------------------------------

async def python_echo_compressible_and_random():
    text = compressible_text(MIB)
    noise = random_bytes(seed=71, size=MIB)
    with EchoTarget() as target, Websockify(target.port, "--compress") as server:
        async with connect(server) as ws:  # websockets offers permessage-deflate by default
            answer = ws.response_headers.get("Sec-WebSocket-Extensions")
            assert answer == "permessage-deflate; client_max_window_bits=15", \
                f"unexpected extension answer {answer!r}"
            assert [e.name for e in ws.extensions] == ["permessage-deflate"], ws.extensions
            for name, data in [("text", text), ("random", noise)]:
                echoed = await echo(ws, [data], timeout=30)
                assert echoed == data, f"{name}: {first_difference(data, echoed)}"
            # A text message is inflated, checked as UTF-8 and relayed as bytes.
            await ws.send("héllo " * 1000)
            reply = await receive_bytes(ws, len(("héllo " * 1000).encode()))
            assert reply == ("héllo " * 1000).encode(), reply[:40]
        server.wait_for_log(r"Sec-WebSocket-Extensions: permessage-deflate")


def raw_frames_are_compressed():
    # The server's frames carry RSV1 and inflate to the exact bytes; text shrinks on the wire.
    text = compressible_text(MIB)
    with EchoTarget() as target, Websockify(target.port, "--compress") as server:
        with DeflateClient(server.port) as client:
            assert client.handshake() == "permessage-deflate"
            client.send_compressed(b"Hello")
            rsv1, payload = client.read_data_frame()
            assert rsv1, "the echo of a 5-byte message was not compressed"
            # RFC 7692 §7.2.3.1: zlib compresses a first "Hello" to exactly these bytes.
            assert payload == bytes([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]), payload.hex()
            client.decompressor.decompress(payload + TAIL)
            client.wire_bytes = 0
            echoed = echo_through(client, text)
            assert echoed == text, first_difference(text, echoed)
            ratio = client.wire_bytes / len(text)
            print(f"server -> client wire/original for 1 MiB of text: {ratio:.3f}")
            assert ratio < 0.1, f"text compressed only to {ratio:.3f} of its size"


def context_takeover_kept_by_default():
    # Random bytes thrice: only the first costs its size, the others refer back to it
    # (RFC 7692 §7.2.3.2).
    message = random_bytes(seed=73, size=600)
    with EchoTarget() as target, Websockify(target.port, "--compress") as server:
        with DeflateClient(server.port) as client:
            client.handshake()
            sizes = []
            for _ in range(3):
                client.send_compressed(message)
                rsv1, payload = client.read_data_frame()
                assert rsv1
                assert client.decompressor.decompress(payload + TAIL) == message
                sizes.append(len(payload))
    print(f"compressed sizes of the same 600 random bytes, window kept: {sizes}")
    assert sizes[0] >= 600 and sizes[1] < 60 and sizes[2] < 60, sizes


def no_context_takeover_requested():
    message = random_bytes(seed=73, size=600)
    offer = "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
    with EchoTarget() as target, Websockify(target.port, "--compress") as server:
        with DeflateClient(server.port, offer=offer) as client:
            assert client.handshake() == offer
            payloads = []
            for _ in range(3):
                # Our compressor starts afresh per message too, as we promised.
                client.compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
                client.send_compressed(message)
                rsv1, payload = client.read_data_frame()
                assert rsv1
                inflater = zlib.decompressobj(-15)  # the server's window starts empty too
                assert inflater.decompress(payload + TAIL) == message
                payloads.append(payload)
    # Each message starts from an empty window: the same bytes each time, none shorter.
    assert payloads[0] == payloads[1] == payloads[2], [len(p) for p in payloads]
    assert len(payloads[0]) >= 600, len(payloads[0])


async def python_no_context_takeover():
    factory = ClientPerMessageDeflateFactory(server_no_context_takeover=True,
                                             client_no_context_takeover=True,
                                             server_max_window_bits=10,
                                             client_max_window_bits=9)
    messages = [compressible_text(5000 + i) for i in range(50)]
    with EchoTarget() as target, Websockify(target.port, "--compress") as server:
        async with connect(server, extensions=[factory], compression=None) as ws:
            answer = ws.response_headers.get("Sec-WebSocket-Extensions")
            assert answer == ("permessage-deflate; server_no_context_takeover; "
                              "client_no_context_takeover; server_max_window_bits=10; "
                              "client_max_window_bits=9"), answer
            for message in messages:
                echoed = await echo(ws, [message])
                assert echoed == message, first_difference(message, echoed)


async def not_negotiated_without_flag():
    data = compressible_text(100_000)
    with EchoTarget() as target, Websockify(target.port) as server:
        async with connect(server) as ws:
            assert "Sec-WebSocket-Extensions" not in ws.response_headers, ws.response_headers
            assert ws.extensions == [], ws.extensions
            echoed = await echo(ws, [data])
            assert echoed == data
        with DeflateClient(server.port) as client:
            assert client.handshake() is None, client.response
            client.send_frame(OP_BINARY, b"plain")
            rsv1, payload = client.read_data_frame()
            assert not rsv1 and payload == b"plain", (rsv1, payload)


def base64_mode_not_compressed():
    with EchoTarget() as target, Websockify(target.port, "--compress") as server:
        with RawClient(server.port) as client:
            response = client.upgrade(extra=["Sec-WebSocket-Protocol: base64",
                                             "Sec-WebSocket-Extensions: permessage-deflate"])
            assert response.headers.get("sec-websocket-protocol") == "base64"
            assert "sec-websocket-extensions" not in response.headers, response


def rsv1_without_negotiation_1002():
    # With --compress but no offer, and without --compress at all: RSV1 is a protocol error.
    for options in [("--compress",), ()]:
        with EchoTarget() as target, Websockify(target.port, *options) as server:
            with DeflateClient(server.port, offer=None) as client:
                assert client.handshake() is None
                client.send_compressed(b"Hello")
                code, reason = client.read_close()
        assert code == 1002, f"{options}: got close {code} {reason!r}, expected 1002"


def rsv1_on_continuation_1002():
    with EchoTarget() as target, Websockify(target.port, "--compress") as server:
        with DeflateClient(server.port) as client:
            client.handshake()
            compressed = zlib.compressobj(6, zlib.DEFLATED, -15)
            data = compressed.compress(b"Hello") + compressed.flush(zlib.Z_SYNC_FLUSH)
            client.send(masked_frame(RSV1 | OP_BINARY, data[:3]))
            client.send(masked_frame(0x80 | RSV1 | 0x0, data[3:-4]))
            code, reason = client.read_close()
    assert code == 1002, f"got close {code} {reason!r}, expected 1002"


def corrupt_data_1007():
    with EchoTarget() as target, Websockify(target.port, "--compress") as server:
        with DeflateClient(server.port) as client:
            client.handshake()
            client.send(masked_frame(0x80 | RSV1 | OP_BINARY, b"\xff\xff\xff\xff"))
            code, reason = client.read_close()
        assert code == 1007, f"got close {code} {reason!r}, expected 1007"
        with DeflateClient(server.port) as client:
            client.handshake()
            client.send_compressed(b"\xff not utf-8", opcode=OP_TEXT)
            code, reason = client.read_close()
        assert code == 1007, f"compressed invalid UTF-8: got close {code} {reason!r}"


def decompression_bomb_1009():
    # 256 MiB of zeros compress to about 250 KiB, well under the 1 MiB limit on the wire; the
    # inflated message passes the limit and must be stopped there, without the memory.
    limit = MIB
    bomb = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(MIB)
    compressed = b"".join(bomb.compress(zeros) for _ in range(256)) + bomb.flush(zlib.Z_SYNC_FLUSH)
    assert len(compressed) < limit // 2, len(compressed)
    with EchoTarget() as target, \
            Websockify(target.port, "--compress", "--max-message-size", str(limit)) as server:
        with RssSampler(server.pid) as rss:
            with DeflateClient(server.port) as client:
                client.handshake()
                client.send(masked_frame(0x80 | RSV1 | OP_BINARY, compressed[:-4]))
                code, reason = client.read_close()
        print(f"bomb: {len(compressed)} bytes inflating to 256 MiB; websockify RSS grew "
              f"{rss.peak_growth_kib} KiB")
        assert code == 1009, f"got close {code} {reason!r}, expected 1009"
        assert rss.peak_growth_kib < 32 * 1024, f"RSS grew {rss.peak_growth_kib} KiB"
        # A message of exactly the limit still passes, and websockify serves the next client.
        with DeflateClient(server.port) as client:
            client.handshake()
            data = compressible_text(limit)
            client.send_compressed(data)
            assert client.receive(limit) == data
        assert server.running(), "websockify died"


def ratio_and_cpu_report():
    # Relays 8 MiB of text and of random bytes through websockify, with and without
    # --compress, and reports the wire ratio (server -> client) and websockify's CPU cost.
    size = 8 * MIB
    samples = {"words": word_text(74, size), "random": random_bytes(seed=72, size=size)}
    lines = []
    for options in [("--compress",), ("--compress", "--compress-level", "6"), ()]:
        with EchoTarget() as target, Websockify(target.port, *options) as server:
            for name, data in samples.items():
                with DeflateClient(server.port, offer="permessage-deflate" if options else None) \
                        as client:
                    client.handshake()
                    before = cpu_seconds(server.pid)
                    started = time.monotonic()
                    if options:
                        echoed = echo_through(client, data)
                    else:
                        echoed = plain_echo_through(client, data)
                    cpu = cpu_seconds(server.pid) - before
                    wall = time.monotonic() - started
                    assert echoed == data, f"{name}: {first_difference(data, echoed)}"
                ratio = client.wire_bytes / len(data)
                rate = len(data) / 1e6 / max(cpu, 0.01)
                lines.append(f"{' '.join(options) or '(no compression)':32} {name:6}: wire ratio "
                             f"{ratio:.3f}, websockify CPU {cpu:.2f} s for 8 MiB each way "
                             f"({rate:.0f} MB/s per core), wall {wall:.1f} s")
    print("\n".join(lines))


def plain_echo_through(client, data, message_size=64 * 1024):
    received = {}

    def reader():
        try:
            received["data"] = client.receive(len(data))
        except BaseException as exc:
            received["error"] = exc

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    for pos in range(0, len(data), message_size):
        client.send(masked_frame(0x80 | OP_BINARY, data[pos:pos + message_size]))
    thread.join(60)
    if "error" in received:
        raise received["error"]
    return received["data"]


def node_ws(mode):
    with EchoTarget() as target, Websockify(target.port, "--compress") as server:
        try:
            result = subprocess.run([NODE, NODE_SCRIPT, server.url, mode], capture_output=True,
                                    text=True, timeout=60)
        except subprocess.TimeoutExpired:
            raise AssertionError("node permessage_deflate.js still running after 60 s") from None
        output = (result.stdout + result.stderr).strip()
        print(indent(output))
        last_line = output.splitlines()[-1] if output else "(no output)"
        assert result.returncode == 0, f"node exited {result.returncode}: {last_line}"


def node_context_takeover():
    node_ws("takeover")


def node_no_context_takeover():
    node_ws("no_takeover")


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [
        python_echo_compressible_and_random, raw_frames_are_compressed,
        context_takeover_kept_by_default, no_context_takeover_requested,
        python_no_context_takeover, not_negotiated_without_flag, base64_mode_not_compressed,
        rsv1_without_negotiation_1002, rsv1_on_continuation_1002, corrupt_data_1007,
        decompression_bomb_1009, ratio_and_cpu_report, node_context_takeover,
        node_no_context_takeover]})
