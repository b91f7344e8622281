"""Frame-level rules: masking, message size limit, UTF-8 in text frames."""

from harness import (OP_BINARY, OP_CLOSE, OP_CONT, OP_TEXT, EchoTarget, RawClient, Websockify,
                     connect, echo, expect_close, parse_close, random_bytes, run_cases)


def unmasked_frame_1002():
    # RFC 6455 §5.1: a server must close the connection on an unmasked client frame.
    with EchoTarget() as target, Websockify(target.port) as server:
        with RawClient(server.port) as client:
            client.upgrade()
            client.send_frame(OP_BINARY, b"not masked", mask=False)
            code, reason = client.read_close()
    assert code == 1002, f"got close {code} {reason!r}, expected 1002 (protocol error)"


async def oversize_message_1009():
    # A message of exactly the limit passes; one byte more is refused, even when fragmented.
    at_limit = random_bytes(seed=20, size=1000)
    with EchoTarget() as target, Websockify(target.port, "--max-message-size", "1000") as server:
        async with connect(server) as ws:
            echoed = await echo(ws, [at_limit])
            assert echoed == at_limit, "a 1000-byte message (at the limit) was not echoed intact"
            await ws.send([b"a" * 600, b"b" * 401])
            code, reason = await expect_close(ws)
    assert code == 1009, f"got close {code} {reason!r} for a 1001-byte message, expected 1009"


def invalid_utf8_1007():
    # Valid "κ" in the first fragment, then an invalid byte: the check must span fragments.
    with EchoTarget() as target, Websockify(target.port) as server:
        with RawClient(server.port) as client:
            client.upgrade()
            client.send_frame(OP_TEXT, "κ".encode(), fin=False)
            client.send_frame(OP_CONT, b"\xff ok")
            code, reason = client.read_close()
    assert code == 1007, f"got close {code} {reason!r}, expected 1007 (invalid UTF-8)"


def text_frames_relayed_as_bytes():
    # Without the base64 subprotocol a text message's UTF-8 bytes go to the target as they
    # are; "é" (0xC3 0xA9) is split across two fragments to exercise incremental validation.
    text = "héllo wörld".encode()
    split = text.index(b"\xa9")
    with EchoTarget() as target, Websockify(target.port) as server:
        with RawClient(server.port) as client:
            client.upgrade()
            client.send_frame(OP_TEXT, text[:split], fin=False)
            client.send_frame(OP_CONT, text[split:])
            echoed = b""
            while len(echoed) < len(text):
                _, opcode, payload = client.read_frame()
                assert opcode != OP_CLOSE, f"websockify closed: {parse_close(payload)}"
                assert opcode == OP_BINARY, f"expected binary frames, got opcode {opcode}"
                echoed += payload
    assert echoed == text, f"sent {text!r}, echoed {echoed!r}"


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [unmasked_frame_1002, oversize_message_1009,
                                       invalid_utf8_1007, text_frames_relayed_as_bytes]})
