"""Many simultaneous sessions stay independent: nobody receives another client's bytes, with
sessions on one thread or spread over several (--threads)."""

import asyncio
import os

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


async def all_clients_echo(server, count):
    results = await asyncio.gather(*(one_client(server, i) for i in range(count)),
                                   return_exceptions=True)
    failures = [f"  client {i}: {r!r}" for i, r in enumerate(results) if r]
    assert not failures, f"{len(failures)} of {count} clients failed:\n" + "\n".join(failures[:10])


async def hundred_clients():
    with EchoTarget() as target, Websockify(target.port) as server:
        await all_clients_echo(server, CLIENTS)


def session_threads(pid):
    """The names of the process's extra session threads (once each: threads they start, such as
    Asio's resolver thread, inherit their name; a sanitizer may add threads of its own)."""
    names = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/comm") as comm:
            names.append(comm.read().strip())
    return sorted({name for name in names if name.startswith("ws-session-")})


def thread_cpu_ticks(pid):
    """CPU time (utime + stime, in clock ticks) of each of the process's threads."""
    ticks = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/stat") as stat:
            # Fields after the parenthesised name; utime and stime are fields 14 and 15.
            fields = stat.read().rsplit(")", 1)[1].split()
        ticks[tid] = int(fields[11]) + int(fields[12])
    return ticks


async def spread_over_threads():
    """--threads 3: the settings say so, three threads exist, and the relaying work of many
    clients lands on more than one of them, with every byte still in its own session."""
    with EchoTarget() as target, Websockify(target.port, "--threads", "3") as server:
        server.wait_for_log(r"Sessions spread over 3 threads")
        await all_clients_echo(server, CLIENTS)
        # Named as they start, before they serve anyone: after 100 clients, both have.
        assert session_threads(server.pid) == ["ws-session-2", "ws-session-3"]
        busy = [tid for tid, used in thread_cpu_ticks(server.pid).items() if used > 0]
        assert len(busy) >= 2, f"only threads {busy} did any work"


async def one_thread_when_asked():
    with EchoTarget() as target, Websockify(target.port, "--threads", "1") as server:
        server.wait_for_log(r"Sessions spread over 1 thread$")
        assert session_threads(server.pid) == []
        await all_clients_echo(server, 20)


if __name__ == "__main__":
    run_cases({
        "hundred_clients": hundred_clients,
        "spread_over_threads": spread_over_threads,
        "one_thread_when_asked": one_thread_when_asked,
    })
