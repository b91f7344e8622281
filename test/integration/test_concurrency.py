"""Many simultaneous sessions stay independent: nobody receives another client's bytes."""

import asyncio

from harness import EchoTarget, Websockify, connect, echo, first_difference, random_bytes, run_cases

CLIENTS = 100
# Generous: all 100 handshakes queue up at once, and ctest may run other cases beside us.
TIMEOUT = 45


async def one_client(server, index):
    # Each client's stream starts with its own number, so crossed sessions are obvious.
    messages = [b"client %03d|" % index] + [random_bytes(seed=1000 * index + i, size=8192)
                                            for i in range(4)]
    async with connect(server, open_timeout=TIMEOUT) as ws:
        echoed = await echo(ws, messages, timeout=TIMEOUT)
    expected = b"".join(messages)
    assert echoed == expected, first_difference(expected, echoed)


async def hundred_clients():
    with EchoTarget() as target, Websockify(target.port) as server:
        results = await asyncio.gather(*(one_client(server, i) for i in range(CLIENTS)),
                                       return_exceptions=True)
    failures = [f"  client {i}: {r!r}" for i, r in enumerate(results) if r]
    assert not failures, f"{len(failures)} of {CLIENTS} clients failed:\n" + "\n".join(failures[:10])


if __name__ == "__main__":
    run_cases({"hundred_clients": hundred_clients})
