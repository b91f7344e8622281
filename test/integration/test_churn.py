"""Churn (issue #9): many short sessions one after another, and many at once. Every byte is
checked twice: the target checks each record's CRC-32 and order, the client compares the echo
byte for byte. Afterwards websockify must hold exactly the file descriptors it held before,
and its resident memory must be back near where it started.

WEBSOCKIFY_CHURN_SCALE (default 1) scales the connection counts, for slow builds (ASan).
"""

import asyncio
import os
import random
import resource
import time

from aio_ws import (OP_BINARY, OP_CONT, ProcSampler, RecordEchoTarget, WsConn, fd_count, record,
                    rss_kib, settled, wait_for_fd_count)
from harness import Websockify, run_cases

SCALE = float(os.environ.get("WEBSOCKIFY_CHURN_SCALE", "1"))
SEQUENTIAL = max(1, int(10_000 * SCALE))
CONCURRENT = max(1, int(1_000 * SCALE))
# Closes are asynchronous: descriptors may take a moment to go after the last client is done.
FD_SETTLE_TIMEOUT = 10.0
# Memory that may stay with the allocator after the sessions are gone (free lists, arenas),
# beyond a quarter of the peak growth. Generous: the figures are printed for the report.
RSS_SLACK_KIB = 16 * 1024
# Heap per session between messages, with generous room (about 24 KiB measured in -O0 builds).
IDLE_SESSION_KIB = 48


def under_sanitizer(pid):
    """An AddressSanitizer build keeps freed memory in its quarantine, and ThreadSanitizer
    shadows every byte several times over: RSS says nothing about our own memory then."""
    with open(f"/proc/{pid}/maps") as maps:
        mapped = maps.read()
    return "libasan" in mapped or "libtsan" in mapped
CLOSED_LINE = "session closed: client closed, code 1000"


async def count_closed_lines(server, expected, timeout=30):
    """Waits for `expected` 'session closed' lines for clean client closes."""
    def enough(lines):
        return sum(CLOSED_LINE in line for line in lines) >= expected
    await asyncio.to_thread(server.wait_until_log, enough, timeout,
                            f"{expected} lines containing {CLOSED_LINE!r}")
    return sum(CLOSED_LINE in line for line in server.stderr.lines())


async def check_after(server, base_fds, base_rss, sampler, started_rss_note=""):
    """fd count back to the baseline exactly; RSS near it. Prints the figures."""
    after_fds = await wait_for_fd_count(server.pid, base_fds, FD_SETTLE_TIMEOUT)
    after_rss = rss_kib(server.pid)
    print(f"  fds:      before {base_fds}, peak {sampler.peak_fds}, after {after_fds}")
    print(f"  RSS KiB:  before {base_rss}, peak {sampler.peak_rss_kib}, after {after_rss}"
          f"{started_rss_note}")
    assert after_fds == base_fds, (f"websockify holds {after_fds} descriptors "
                                   f"{FD_SETTLE_TIMEOUT} s after the last session, "
                                   f"{base_fds} before: {after_fds - base_fds} leaked "
                                   f"({sorted(os.listdir(f'/proc/{server.pid}/fd'), key=int)[-10:]}"
                                   f" are the newest)")
    if under_sanitizer(server.pid):
        print("  (RSS not checked under a sanitizer)")
        return
    allowed = (sampler.peak_rss_kib - base_rss) // 4 + RSS_SLACK_KIB
    assert after_rss - base_rss <= allowed, (
        f"RSS {after_rss} KiB after the sessions, {base_rss} KiB before: grew by "
        f"{after_rss - base_rss} KiB, allowed {allowed} KiB (a quarter of the peak growth + "
        f"{RSS_SLACK_KIB} KiB)")


def split_randomly(rng, data, pieces):
    """`data` cut at random places into up to `pieces` parts (some may be empty)."""
    cuts = sorted(rng.randrange(0, len(data) + 1) for _ in range(pieces - 1))
    return [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)])]


def message_frames(rng, data):
    """One binary message as 1-3 frames (fragmented at random places)."""
    parts = split_randomly(rng, data, rng.randrange(1, 4))
    return [(OP_BINARY if i == 0 else OP_CONT, part, i == len(parts) - 1)
            for i, part in enumerate(parts)]


async def sequential_10k_connections():
    """One session at a time: handshake, one record of random size (0-4 KiB) echoed, clean
    close. No byte lost, no descriptor left behind."""
    rng = random.Random(9001)
    sent = 0
    async with RecordEchoTarget() as target:
        with Websockify(target.port, "-v") as server:
            base_fds, base_rss = await settled(server)
            with ProcSampler(server.pid) as sampler:
                started = time.monotonic()
                for i in range(SEQUENTIAL):
                    payload = record(i, 0, rng.randbytes(rng.randrange(0, 4097)))
                    conn = await WsConn.open(server.port)
                    try:
                        for opcode, part, fin in message_frames(rng, payload):
                            conn.send_frame(opcode, part, fin=fin)
                        got = await conn.receive(len(payload))
                        assert got == payload, f"connection {i}: the echo differs from what was sent"
                        code, reason = await conn.close()
                        assert code == 1000, f"connection {i}: close {code} {reason!r}, expected 1000"
                    except BaseException:
                        conn.abort()
                        raise
                    sent += len(payload)
                took = time.monotonic() - started
            print(f"  {SEQUENTIAL} sequential sessions in {took:.1f} s: "
                  f"{SEQUENTIAL / took:.0f} connections/s, {sent} bytes each way")
            assert not target.errors, f"the target found {len(target.errors)} bad records: " \
                                      f"{target.errors[:5]}"
            assert target.records_ok == SEQUENTIAL, \
                f"the target checked {target.records_ok} records, {SEQUENTIAL} were sent"
            assert target.bytes_in == sent, f"the target got {target.bytes_in} bytes of {sent}"
            closed = await count_closed_lines(server, SEQUENTIAL)
            assert closed == SEQUENTIAL, f"{closed} 'session closed' lines for {SEQUENTIAL} sessions"
            await check_after(server, base_fds, base_rss, sampler)
            assert server.running(), "websockify exited"


def raise_fd_limit(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < wanted:
        raise AssertionError(f"this test needs {wanted} file descriptors; the hard limit is {hard}")
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return wanted


async def concurrent_1k_connections():
    """All sessions open at once (each proved by one echoed record), then every client sends
    4 records of random size (0-16 KiB) in randomly fragmented messages while reading the
    echo, then all close. Nobody gets anyone else's bytes; every descriptor is returned."""
    # Our side: a client socket and a target socket per session; websockify: two per session.
    limit = raise_fd_limit(4 * CONCURRENT + 256)
    arrived = 0
    all_open = asyncio.Event()
    during = {}
    sent_total = 0

    async with RecordEchoTarget() as target:
        with Websockify(target.port, "-v", fd_limit=limit) as server:
            base_fds, base_rss = await settled(server)

            async def client(index):
                nonlocal arrived, sent_total
                rng = random.Random(index)
                conn = None
                try:
                    conn = await WsConn.open(server.port, timeout=60)
                    first = record(index, 0, rng.randbytes(rng.randrange(0, 2048)))
                    conn.send_frame(OP_BINARY, first)
                    got = await conn.receive(len(first))
                    assert got == first, f"client {index}: first echo differs"
                finally:
                    arrived += 1
                    if arrived == CONCURRENT:
                        # Every session is open (the ones that failed are counted too).
                        during["fds"] = fd_count(server.pid)
                        during["rss"] = rss_kib(server.pid)
                        during["target"] = target.open_connections
                        all_open.set()
                    if conn is not None and not all_open.is_set():
                        try:
                            await asyncio.wait_for(all_open.wait(), 120)
                        except asyncio.TimeoutError:
                            conn.abort()
                            raise AssertionError(f"client {index}: not all clients opened")
                try:
                    stream = b"".join(record(index, seq, rng.randbytes(rng.randrange(0, 16385)))
                                      for seq in range(1, 5))
                    frames = []
                    for part in split_randomly(rng, stream, 3):
                        frames += message_frames(rng, part)

                    async def send_all():
                        for opcode, part, fin in frames:
                            conn.send_frame(opcode, part, fin=fin)
                            await conn.drain()

                    _, echoed = await asyncio.gather(send_all(), conn.receive(len(stream)))
                    assert echoed == stream, f"client {index}: echo of {len(stream)} bytes differs"
                    code, reason = await conn.close()
                    assert code == 1000, f"client {index}: close {code} {reason!r}"
                    sent_total += len(first) + len(stream)
                except BaseException:
                    conn.abort()
                    raise

            with ProcSampler(server.pid) as sampler:
                started = time.monotonic()
                results = await asyncio.gather(*(client(i) for i in range(CONCURRENT)),
                                               return_exceptions=True)
                took = time.monotonic() - started
            failures = [f"  client {i}: {r!r}" for i, r in enumerate(results) if r]
            assert not failures, f"{len(failures)} of {CONCURRENT} clients failed:\n" + \
                "\n".join(failures[:10])
            print(f"  {CONCURRENT} concurrent sessions in {took:.1f} s "
                  f"({CONCURRENT / took:.0f} connections/s), {sent_total} bytes each way")
            print(f"  with all open: websockify {during['fds']} fds, {during['rss']} KiB RSS; "
                  f"target {during['target']} connections")
            assert during["fds"] >= base_fds + 2 * CONCURRENT, (
                f"with {CONCURRENT} sessions open websockify had {during['fds']} fds "
                f"(baseline {base_fds}): the sessions were not all open at once")
            per_session = (during["rss"] - base_rss) / CONCURRENT
            print(f"  RSS growth per open session: {per_session:.1f} KiB")
            # Sessions waiting for data hold no relay buffers (they were 2 x 64 KiB each).
            assert under_sanitizer(server.pid) or per_session <= IDLE_SESSION_KIB, (
                f"{per_session:.1f} KiB of RSS per open session, at most {IDLE_SESSION_KIB} "
                f"expected: do idle sessions hold buffers again?")
            assert not target.errors, f"the target found {len(target.errors)} bad records: " \
                                      f"{target.errors[:5]}"
            assert target.records_ok == 5 * CONCURRENT, \
                f"the target checked {target.records_ok} records, {5 * CONCURRENT} were sent"
            assert target.streams_seen == set(range(CONCURRENT)), "some streams never arrived"
            assert target.bytes_in == sent_total, \
                f"the target got {target.bytes_in} bytes of {sent_total}"
            closed = await count_closed_lines(server, CONCURRENT)
            assert closed == CONCURRENT, f"{closed} 'session closed' lines for {CONCURRENT} sessions"
            await check_after(server, base_fds, base_rss, sampler)
            assert server.running(), "websockify exited"


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [sequential_10k_connections, concurrent_1k_connections]})
