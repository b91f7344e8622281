"""Sec-WebSocket-Protocol negotiation: binary preferred, base64 as the fallback, others ignored."""

import asyncio
import base64

import websockets

from harness import EchoTarget, Websockify, connect, echo, first_difference, random_bytes, run_cases


async def base64_round_trip():
    # The seed's Websock JS library: bytes travel base64-coded in text frames, both ways.
    chunks = [random_bytes(seed=30 + i, size=size) for i, size in enumerate([1, 2, 3, 5000, 65536])]
    expected = b"".join(chunks)
    with EchoTarget() as target, Websockify(target.port) as server:
        async with connect(server, subprotocols=["base64"]) as ws:
            assert ws.subprotocol == "base64", f"server selected {ws.subprotocol!r}, expected 'base64'"
            for chunk in chunks:
                await ws.send(base64.b64encode(chunk).decode("ascii"))
            decoded = bytearray()
            try:
                while len(decoded) < len(expected):
                    message = await asyncio.wait_for(ws.recv(), 10)
                    assert isinstance(message, str), f"got a binary frame {message[:20]!r} in base64 mode"
                    decoded.extend(base64.b64decode(message, validate=True))
            except (asyncio.TimeoutError, websockets.ConnectionClosed) as exc:
                raise AssertionError(f"{exc!r} after {len(decoded)} of {len(expected)} bytes") from None
    assert bytes(decoded) == expected, first_difference(expected, bytes(decoded))


async def binary_preferred():
    with EchoTarget() as target, Websockify(target.port) as server:
        async with connect(server, subprotocols=["base64", "binary"]) as ws:
            assert ws.subprotocol == "binary", f"server selected {ws.subprotocol!r}, expected 'binary'"
            assert await echo(ws, [b"\x00binary\xff"]) == b"\x00binary\xff"


async def unknown_protocol_ignored():
    with EchoTarget() as target, Websockify(target.port) as server:
        # Python websockify answers 400 here; an unknown subprotocol must simply be ignored.
        async with connect(server, subprotocols=["chat"]) as ws:
            assert ws.subprotocol is None, f"server selected {ws.subprotocol!r}, expected none"
            assert await echo(ws, [b"\x00plain\xff"]) == b"\x00plain\xff"


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [base64_round_trip, binary_preferred,
                                       unknown_protocol_ignored]})
