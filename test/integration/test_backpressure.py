"""Flow control: a slow reader on one side must slow the writer on the other side down, not
make websockify buffer the difference. 64 MiB pass through while websockify's RSS is sampled;
without backpressure it would have to hold most of them.
"""

import asyncio
import hashlib
import random
import time

import websockets

from harness import MIB, RssSampler, SinkTarget, SourceTarget, Websockify, connect, run_cases

TOTAL = 64 * MIB
MESSAGE = 64 * 1024
RSS_LIMIT_MIB = 32
# About 12 MiB/s: 64 MiB take ~5 s, several times slower than either peer can write.
SLOW_BYTES_PER_TICK, TICK = 128 * 1024, 0.01


def chunks(seed):
    """The 64 MiB stream as 64 KiB chunks, generated lazily from a seed."""
    rng = random.Random(seed)
    for _ in range(TOTAL // MESSAGE):
        yield rng.randbytes(MESSAGE)


def expected_digest(seed):
    digest = hashlib.sha256()
    for chunk in chunks(seed):
        digest.update(chunk)
    return digest.hexdigest()


def rss_growth_mib(sampler):
    """Prints the measurement (wanted in the output even when the test passes)."""
    growth = sampler.peak_growth_kib / 1024
    print(f"websockify RSS: baseline {sampler.baseline_kib / 1024:.1f} MiB, "
          f"peak growth {growth:.1f} MiB (limit {RSS_LIMIT_MIB} MiB)")
    return growth


def check_rss(growth):
    assert growth < RSS_LIMIT_MIB, (f"websockify grew by {growth:.1f} MiB while relaying to a slow "
                                    f"reader: it buffers instead of applying backpressure")


async def slow_target():
    seed = 50
    with SinkTarget(bytes_per_tick=SLOW_BYTES_PER_TICK, tick=TICK) as target, \
            Websockify(target.port) as server, RssSampler(server.pid) as sampler:
        started = time.monotonic()
        async with connect(server) as ws:
            for chunk in chunks(seed):
                await asyncio.wait_for(ws.send(chunk), 30)
            sent_in = time.monotonic() - started
            arrived = await asyncio.to_thread(target.wait_for_bytes, TOTAL, 50 - sent_in)
            assert arrived, f"target received {target.received} of {TOTAL} bytes within 50 s"
        print(f"client sent 64 MiB in {sent_in:.1f} s; the target had all of it after "
              f"{time.monotonic() - started:.1f} s")
    growth = rss_growth_mib(sampler)
    assert target.received == TOTAL, f"target received {target.received} bytes, sent {TOTAL}"
    assert target.digest.hexdigest() == expected_digest(seed), "the target's bytes differ (SHA-256)"
    check_rss(growth)


async def slow_client():
    seed = 51
    with SourceTarget(lambda: chunks(seed)) as target, Websockify(target.port) as server, \
            RssSampler(server.pid) as sampler:
        started = time.monotonic()
        digest, received, closed_early = hashlib.sha256(), 0, None
        # A one-message queue keeps the client's own buffering small, so its slowness reaches
        # the socket and websockify.
        async with connect(server, max_queue=1) as ws:
            try:
                while received < TOTAL:
                    message = await asyncio.wait_for(ws.recv(), 20)
                    digest.update(message)
                    received += len(message)
                    # Throttle to SLOW_BYTES_PER_TICK per TICK on average.
                    ahead = received / (SLOW_BYTES_PER_TICK / TICK) - (time.monotonic() - started)
                    if ahead > 0:
                        await asyncio.sleep(ahead)
            except websockets.ConnectionClosed as exc:
                closed_early = exc
        print(f"client read {received} bytes in {time.monotonic() - started:.1f} s")
    growth = rss_growth_mib(sampler)
    assert not closed_early, (f"connection closed ({closed_early}) after {received} of {TOTAL} "
                              f"bytes: queued target data was dropped instead of flushed")
    assert digest.hexdigest() == expected_digest(seed), "the client's bytes differ (SHA-256)"
    check_rss(growth)


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [slow_target, slow_client]})
