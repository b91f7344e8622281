"""Bytes relayed client -> target -> client through an echo target, unchanged and in order."""

import asyncio

from harness import MIB, EchoTarget, Websockify, connect, echo, first_difference, random_bytes, run_cases


async def echo_1mib_random():
    payload = random_bytes(seed=1, size=MIB)
    with EchoTarget() as target, Websockify(target.port) as server:
        async with connect(server) as ws:
            echoed = await echo(ws, [payload])
    assert echoed == payload, first_difference(payload, echoed)


async def ordered_1000_messages():
    # Distinct, numbered messages of varying size: a reordering or a lost message shows up.
    messages = [b"%04d:" % i + random_bytes(seed=i, size=i % 200) for i in range(1000)]
    with EchoTarget() as target, Websockify(target.port) as server:
        async with connect(server) as ws:
            echoed = await echo(ws, messages)
    expected = b"".join(messages)
    assert echoed == expected, first_difference(expected, echoed)


async def fragmented_message():
    # websockets sends an iterable as one message in several frames (FIN only on the last),
    # including a 1-byte and an empty continuation frame.
    fragments = [random_bytes(seed=3, size=10_000), b"x", b"", random_bytes(seed=4, size=70_000)]
    with EchoTarget() as target, Websockify(target.port) as server:
        async with connect(server) as ws:
            echoed = await echo(ws, [fragments])
    expected = b"".join(fragments)
    assert echoed == expected, first_difference(expected, echoed)


async def ping_pong():
    # websockets resolves a ping's waiter only for a pong carrying the same payload.
    payload = b"websockify ping \x00\xff" + random_bytes(seed=5, size=100)
    with EchoTarget() as target, Websockify(target.port) as server:
        async with connect(server) as ws:
            pong = await ws.ping(payload)
            try:
                await asyncio.wait_for(pong, 5)
            except asyncio.TimeoutError:
                raise AssertionError("no pong with the ping's 118-byte payload within 5 s") from None
            # The relay still works after the control frame.
            assert await echo(ws, [b"after ping"]) == b"after ping"


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [echo_1mib_random, ordered_1000_messages,
                                       fragmented_message, ping_pong]})
