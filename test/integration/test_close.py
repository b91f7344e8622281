"""Who closes, and with which close code and reason."""

import asyncio

import websockets

from harness import (EchoTarget, RefusingPort, SourceTarget, Websockify, connect, echo,
                     expect_close, first_difference, random_bytes, run_cases)


async def client_close_code_echoed():
    with EchoTarget() as target, Websockify(target.port) as server:
        async with connect(server) as ws:
            assert await echo(ws, [b"before close"]) == b"before close"
            try:
                await asyncio.wait_for(ws.close(4001, "bye"), 10)
            except asyncio.TimeoutError:
                raise AssertionError("closing handshake did not finish within 10 s") from None
            assert ws.close_rcvd is not None, "websockify never answered our close frame"
            code, reason = ws.close_rcvd.code, ws.close_rcvd.reason
            assert code == 4001, f"close echoed with code {code} ({reason!r}), expected 4001"
            print(f"echoed close: {code} {reason!r}")


async def target_closed():
    # The target's data must all arrive before the close frame (flush, then close).
    payload = random_bytes(seed=10, size=300_000)
    with SourceTarget(payload) as target, Websockify(target.port) as server:
        async with connect(server) as ws:
            received = bytearray()
            try:
                while True:
                    message = await asyncio.wait_for(ws.recv(), 10)
                    received.extend(message)
            except websockets.ConnectionClosed:
                pass
            except asyncio.TimeoutError:
                raise AssertionError(f"no close within 10 s; got {len(received)} bytes") from None
            assert bytes(received) == payload, first_difference(payload, bytes(received))
            assert ws.close_rcvd is not None, "the connection ended without a close frame"
            code, reason = ws.close_rcvd.code, ws.close_rcvd.reason
            assert (code, reason) == (1000, "Target closed"), \
                f"got close {code} {reason!r}, expected 1000 'Target closed'"


async def target_unreachable():
    with RefusingPort() as nothing_listening, Websockify(nothing_listening.port) as server:
        # The handshake completes (101) before websockify tries the target.
        async with connect(server) as ws:
            code, reason = await expect_close(ws)
        assert (code, reason) == (1011, "Failed to connect to downstream server"), \
            f"got close {code} {reason!r}, expected 1011 'Failed to connect to downstream server'"


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [client_close_code_echoed, target_closed,
                                       target_unreachable]})
