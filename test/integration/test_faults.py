"""Faults (issue #9): a target that resets mid-stream or never reads, a client that vanishes
without a close frame or half-closes, SIGTERM with 100 live sessions. Each faulty session must
end with the right close code and log line, and the sessions beside it must not notice.
"""

import asyncio
import hashlib
import random
import re
import signal
import socket
import struct
import subprocess
import threading

from aio_ws import (OP_BINARY, OP_CLOSE, Closed, ProcSampler, RecordEchoTarget, WsConn,
                    close_payload, fd_count, record, rss_kib, settled, wait_for_fd_count)
from harness import MIB, Websockify, run_cases
from targets import CHUNK, TcpTarget

# Beyond websockify's own limits (close timeout 2 s): how long a fault may take to show.
SETTLE = 10.0
RSS_LIMIT_KIB = 32 * 1024


class ScriptedTarget(TcpTarget):
    """The first line a connection sends picks its behaviour: "echo NAME", "sink NAME",
    "reset NAME BYTES" (read BYTES, then close with SO_LINGER 0, i.e. a TCP reset) or
    "stall NAME" (never read until release() is called, then sink). Per name it keeps the
    bytes received after the line, their SHA-256, and how the connection ended."""

    def __init__(self):
        super().__init__()
        self.results = {}
        self.released = threading.Event()
        self._changed = threading.Condition()

    def release(self):
        self.released.set()

    def close(self):
        self.released.set()
        super().close()

    @staticmethod
    def _command(conn):
        line = b""
        while not line.endswith(b"\n"):
            byte = conn.recv(1)
            if not byte:
                return None
            line += byte
        return line.decode().split()

    def _update(self, state, **changes):
        with self._changed:
            state.update(changes)
            self._changed.notify_all()

    def handle(self, conn):
        command = self._command(conn)
        if not command:
            return
        kind, name, *args = command
        state = {"received": 0, "digest": hashlib.sha256(), "end": None}
        with self._changed:
            self.results[name] = state
            self._changed.notify_all()
        try:
            if kind == "stall":
                self.released.wait(120)
            limit = int(args[0]) if kind == "reset" else None
            while limit is None or state["received"] < limit:
                want = CHUNK if limit is None else min(CHUNK, limit - state["received"])
                data = conn.recv(want)
                if not data:
                    self._update(state, end="eof")
                    return
                with self._changed:
                    state["received"] += len(data)
                    state["digest"].update(data)
                    self._changed.notify_all()
                if kind == "echo":
                    conn.sendall(data)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()
            self._update(state, end="reset sent")
        except ConnectionResetError:
            self._update(state, end="reset")
        except OSError as exc:
            self._update(state, end=f"error {exc}")

    def wait(self, name, predicate, timeout, what):
        """The state of connection `name` once predicate(state) holds."""
        with self._changed:
            if not self._changed.wait_for(lambda: name in self.results
                                          and predicate(self.results[name]), timeout):
                state = self.results.get(name)
                raise AssertionError(f"target connection {name!r}: no {what} within {timeout} s "
                                     f"(state: {state and {k: state[k] for k in ('received', 'end')}})")
            return self.results[name]


def command(text):
    return text.encode() + b"\n"


class Bystander:
    """A session beside the faulty one that echoes byte-exact before, during and after."""

    def __init__(self, server, name, seed):
        self.server, self.name = server, name
        self.rng = random.Random(seed)
        self.conn = None
        self.echoed = 0

    async def open(self):
        self.conn = await WsConn.open(self.server.port, timeout=30)
        self.conn.send_frame(OP_BINARY, command(f"echo {self.name}"))
        await self.round()
        return self

    async def round(self, size=None):
        payload = self.rng.randbytes(size if size is not None else self.rng.randrange(1, 32768))
        self.conn.send_frame(OP_BINARY, payload)
        got = await self.conn.receive(len(payload))
        assert got == payload, f"bystander {self.name}: echo differs"
        self.echoed += len(payload)

    async def keep_going(self, stop):
        while not stop.is_set():
            await self.round()

    async def close(self):
        code, reason = await self.conn.close()
        assert code == 1000, f"bystander {self.name}: close {code} {reason!r}"


async def open_bystanders(server, count, seed):
    return [await Bystander(server, f"bystander-{i}", seed + i).open() for i in range(count)]


async def wait_log(server, pattern, timeout=SETTLE):
    return await asyncio.to_thread(server.wait_for_log, pattern, timeout)


async def check_fds_back(server, baseline):
    after = await wait_for_fd_count(server.pid, baseline, SETTLE)
    print(f"  websockify fds: {baseline} before, {after} after")
    assert after == baseline, f"websockify holds {after} descriptors, {baseline} before"


async def stream_until_closed(conn, rng, limit, sent):
    """Sends 16 KiB frames until the connection breaks or `limit` bytes went; counts them."""
    try:
        while sent["bytes"] < limit:
            data = rng.randbytes(16384)
            conn.send_frame(OP_BINARY, data)
            await conn.drain()
            sent["bytes"] += len(data)
    except (ConnectionError, asyncio.TimeoutError):
        pass


# --- the target fails -------------------------------------------------------------------------

async def target_reset_mid_stream_1011():
    """The target reads 200 000 bytes of a stream, then resets: that client gets 1011 while
    four other sessions keep echoing byte-exact through it all."""
    with ScriptedTarget() as target, Websockify(target.port, "-v") as server:
        baseline, _ = await settled(server)
        bystanders = await open_bystanders(server, 4, seed=100)
        stop = asyncio.Event()
        chatter = [asyncio.create_task(b.keep_going(stop)) for b in bystanders]

        victim = await WsConn.open(server.port)
        victim.send_frame(OP_BINARY, command("reset victim 200000"))
        sent = {"bytes": 0}
        streamer = asyncio.create_task(stream_until_closed(victim, random.Random(7), 64 * MIB, sent))
        code, reason = await victim.read_close()
        streamer.cancel()
        await asyncio.gather(streamer, return_exceptions=True)
        victim.abort()
        state = await asyncio.to_thread(target.wait, "victim", lambda s: s["end"], 5, "end")
        print(f"  victim: close {code} {reason!r} after sending {sent['bytes']} bytes; "
              f"target read {state['received']} bytes, then {state['end']}")
        assert (code, reason) == (1011, "Target connection failed"), \
            f"close {code} {reason!r}, expected 1011 'Target connection failed'"
        await wait_log(server, r"session closed: target closed, code 1011, \d+ bytes from client")

        stop.set()
        await asyncio.gather(*chatter)
        for b in bystanders:
            await b.round(100_000)
            await b.close()
        print(f"  bystanders echoed {[b.echoed for b in bystanders]} bytes")
        await asyncio.to_thread(server.wait_until_log, lambda lines: sum(
            "session closed: client closed, code 1000" in line for line in lines) >= 4, SETTLE,
            "4 clean closes")
        await check_fds_back(server, baseline)


async def fill_until_stalled(conn, rng, digest, cap, stall_after=3.0):
    """Sends 64 KiB frames until a write does not drain for `stall_after` s; returns the bytes
    sent (the last frame, possibly still in our buffer, included)."""
    sent = 0
    while sent < cap:
        data = rng.randbytes(65536)
        conn.send_frame(OP_BINARY, data)
        digest.update(data)
        sent += len(data)
        try:
            await asyncio.wait_for(conn.writer.drain(), stall_after)
        except asyncio.TimeoutError:
            return sent
    raise AssertionError(f"websockify accepted {sent} bytes for a target that reads nothing: "
                         f"no backpressure")


async def target_never_reads_memory_bounded():
    """A target that accepts and never reads: the client's writes must stall (websockify stops
    reading it) instead of websockify buffering; its memory stays bounded, another session
    still works, and once the target reads, every byte arrives."""
    with ScriptedTarget() as target, Websockify(target.port, "-v") as server:
        baseline_fds, baseline_rss = await settled(server)
        with ProcSampler(server.pid) as sampler:
            stuck = await WsConn.open(server.port)
            stuck.send_frame(OP_BINARY, command("stall stuck"))
            digest = hashlib.sha256()
            sent = await fill_until_stalled(stuck, random.Random(3), digest, 512 * MIB)
            rss_stalled = rss_kib(server.pid)
            print(f"  the client's writes stalled after {sent} bytes; websockify RSS "
                  f"{baseline_rss} KiB before, {rss_stalled} KiB while stalled")
            other = await Bystander(server, "other", 5).open()
            await other.round(1 * MIB)
            await other.close()
            target.release()
            await asyncio.wait_for(stuck.writer.drain(), 30)
            code, reason = await stuck.close()
            assert code == 1000, f"close {code} {reason!r} after the target read everything"
        state = await asyncio.to_thread(target.wait, "stuck", lambda s: s["end"], SETTLE, "EOF")
        growth = sampler.peak_rss_kib - baseline_rss
        print(f"  RSS KiB: before {baseline_rss}, peak {sampler.peak_rss_kib} "
              f"(+{growth}), limit +{RSS_LIMIT_KIB}")
        assert growth < RSS_LIMIT_KIB, f"websockify grew by {growth} KiB for a stalled target"
        assert state["received"] == sent and state["digest"].digest() == digest.digest(), \
            f"target received {state['received']} of {sent} bytes (or different ones)"
        assert state["end"] == "eof", f"target connection ended by {state['end']}"
        await check_fds_back(server, baseline_fds)


async def client_vanishes_while_target_never_reads():
    """The client's writes are stalled by a target that never reads, and the client resets
    its connection: websockify must notice and release both sockets (logging a 1006), not
    keep a dead session for as long as the target stays silent."""
    with ScriptedTarget() as target, Websockify(target.port, "-v") as server:
        baseline, _ = await settled(server)
        stuck = await WsConn.open(server.port)
        stuck.send_frame(OP_BINARY, command("stall gone"))
        sent = await fill_until_stalled(stuck, random.Random(4), hashlib.sha256(), 512 * MIB)
        print(f"  stalled after {sent} bytes; the client now resets its connection")
        stuck.reset()
        try:
            await wait_log(server, r"session closed: client closed, code 1006")
            await check_fds_back(server, baseline)
        finally:
            target.release()
        other = await Bystander(server, "other", 6).open()
        await other.close()


# --- the client fails -------------------------------------------------------------------------

async def vanish(server, target, name, how, seed):
    """A session sends 300 000 bytes to a sink, then the client ends TCP without a close frame
    ("fin": close(); "reset": SO_LINGER 0). The target must get every byte and then EOF."""
    conn = await WsConn.open(server.port)
    conn.send_frame(OP_BINARY, command(f"sink {name}"))
    data = random.Random(seed).randbytes(300_000)
    conn.send_frame(OP_BINARY, data)
    await conn.drain()
    # All sent bytes must be at the target before the client goes, or a reset may discard them.
    await asyncio.to_thread(target.wait, name, lambda s: s["received"] == len(data), SETTLE,
                            "300 000 bytes")
    if how == "reset":
        conn.writer.transport.get_extra_info("socket").setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.writer.close()
    state = await asyncio.to_thread(target.wait, name, lambda s: s["end"], SETTLE, "end")
    print(f"  client {how}: target got {state['received']} bytes, then {state['end']}")
    assert state["digest"].digest() == hashlib.sha256(data).digest(), "target got other bytes"
    assert state["end"] == "eof", f"target connection ended by {state['end']}, expected EOF"


async def client_vanishes_without_close_frame():
    """Client ends TCP (FIN, then a reset) with no close frame: the target sees EOF after all
    the bytes, websockify logs 1006 for each, and a session beside them is undisturbed."""
    with ScriptedTarget() as target, Websockify(target.port, "-v") as server:
        baseline, _ = await settled(server)
        [bystander] = await open_bystanders(server, 1, seed=200)
        for number, how in enumerate(["fin", "reset"]):
            await vanish(server, target, f"vanish-{how}", how, seed=number)
            await bystander.round()
        # The count includes each session's "sink NAME" command before its 300 000 bytes.
        await asyncio.to_thread(server.wait_until_log, lambda lines: sum(
            re.search(rf"session closed: client closed, code 1006, {300_000 + len(command(f'sink vanish-{how}'))} bytes from client", line) is not None
            for how in ("fin", "reset") for line in lines) >= 2, SETTLE,
            "two 'client closed, code 1006' lines")
        await bystander.round(200_000)
        await bystander.close()
        await check_fds_back(server, baseline)


async def client_half_close():
    """shutdown(SHUT_WR) from the client. After a close frame: websockify answers with its
    close frame (same code), the target gets every byte and EOF, code 1000 in the log.
    Without one: the target still gets every byte and EOF; websockify closes the client's
    connection without a close frame (it is an abnormal closure, 1006 in the log)."""
    with ScriptedTarget() as target, Websockify(target.port, "-v") as server:
        baseline, _ = await settled(server)
        for with_close in (True, False):
            name = "half-close-after-close-frame" if with_close else "half-close-bare"
            data = random.Random(name).randbytes(100_000)
            conn = await WsConn.open(server.port)
            conn.send_frame(OP_BINARY, command(f"sink {name}"))
            conn.send_frame(OP_BINARY, data)
            if with_close:
                conn.send_frame(OP_CLOSE, close_payload(1000))
            await conn.drain()
            conn.writer.write_eof()
            if with_close:
                code, reason = await conn.read_close()
                assert code == 1000, f"{name}: close {code} {reason!r}, expected 1000"
                await conn.wait_eof()
                outcome = f"close {code}, then EOF"
            else:
                frames = []
                try:
                    while True:
                        frames.append(await conn.read_frame())
                except Closed:
                    pass  # the expected end: TCP closed, no close frame
                assert not frames, f"{name}: got frames {frames} after half-closing"
                outcome = "EOF without a close frame"
            conn.abort()
            state = await asyncio.to_thread(target.wait, name, lambda s: s["end"], SETTLE, "end")
            print(f"  {name}: client saw {outcome}; target got {state['received']} bytes, "
                  f"then {state['end']}")
            assert state["digest"].digest() == hashlib.sha256(data).digest(), \
                f"{name}: target got {state['received']} of {len(data)} bytes (or others)"
            assert state["end"] == "eof", f"{name}: target connection ended by {state['end']}"
        # Each count includes the session's "sink NAME" command before its 100 000 bytes.
        with_frame = 100_000 + len(command("sink half-close-after-close-frame"))
        bare = 100_000 + len(command("sink half-close-bare"))
        await wait_log(server, rf"session closed: client closed, code 1000, {with_frame} bytes")
        await wait_log(server, rf"session closed: client closed, code 1006, {bare} bytes")
        await check_fds_back(server, baseline)


# --- the server stops -------------------------------------------------------------------------

SIGTERM_SESSIONS = 100
GRACE = 2.0


async def sigterm_with_100_live_sessions():
    """100 sessions, each with bytes in flight when SIGTERM comes: all bytes come back, then
    every session gets 1001 'Going Away' after the grace period; exit status 0."""
    async with RecordEchoTarget() as target:
        with Websockify(target.port, "-v", "--shutdown-grace", str(GRACE)) as server:
            await settled(server)
            conns, expected = [], []
            for i in range(SIGTERM_SESSIONS):
                conn = await WsConn.open(server.port, timeout=30)
                rng = random.Random(i)
                first = record(i, 0, rng.randbytes(rng.randrange(0, 1024)))
                conn.send_frame(OP_BINARY, first)
                assert await conn.receive(len(first)) == first, f"session {i}: first echo differs"
                conns.append(conn)
                expected.append(b"".join(record(i, seq, rng.randbytes(rng.randrange(0, 16384)))
                                         for seq in range(1, 4)))
            for conn, data in zip(conns, expected):
                conn.send_frame(OP_BINARY, data)
            await asyncio.gather(*(conn.drain() for conn in conns))
            server.proc.send_signal(signal.SIGTERM)
            signalled = asyncio.get_running_loop().time()

            async def finish(conn, data):
                got = await conn.receive(len(data))
                assert got == data, "bytes sent before SIGTERM came back different"
                code, reason = await conn.read_close()
                assert (code, reason) == (1001, "Going Away"), f"close {code} {reason!r}"
                await conn.wait_eof()
                conn.abort()
                return asyncio.get_running_loop().time() - signalled

            for conn in conns:
                conn.timeout = GRACE + 15
            results = await asyncio.gather(*(finish(c, d) for c, d in zip(conns, expected)),
                                           return_exceptions=True)
            failures = [f"  session {i}: {r!r}" for i, r in enumerate(results)
                        if isinstance(r, BaseException)]
            assert not failures, f"{len(failures)} of {SIGTERM_SESSIONS} sessions:\n" + \
                "\n".join(failures[:10])
            print(f"  all {SIGTERM_SESSIONS} sessions got their bytes, then 1001 between "
                  f"{min(results):.2f} and {max(results):.2f} s after SIGTERM (grace {GRACE} s)")
            assert min(results) >= GRACE * 0.9, f"a 1001 came {min(results):.2f} s after " \
                                                f"SIGTERM, before the grace period of {GRACE} s"
            try:
                code = await asyncio.to_thread(server.proc.wait, 15)
            except subprocess.TimeoutExpired:
                raise AssertionError("websockify still running 15 s after the sessions closed")
            assert code == 0, f"exit status {code}"
            server.wait_for_log(rf"waiting up to {int(GRACE * 1000)} ms for "
                                rf"{SIGTERM_SESSIONS} connections")
            server.wait_for_log(rf"grace period over: closing {SIGTERM_SESSIONS} connections "
                                r"with 1001 Going Away")
            going_away = sum("session closed: server closed, code 1001" in line
                             for line in server.stderr.lines())
            assert going_away == SIGTERM_SESSIONS, \
                f"{going_away} 'server closed, code 1001' lines for {SIGTERM_SESSIONS} sessions"
            assert not target.errors, f"target found bad records: {target.errors[:5]}"
            assert target.records_ok == 4 * SIGTERM_SESSIONS, \
                f"the target checked {target.records_ok} of {4 * SIGTERM_SESSIONS} records"


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [
        target_reset_mid_stream_1011, target_never_reads_memory_bounded,
        client_vanishes_while_target_never_reads, client_vanishes_without_close_frame,
        client_half_close, sigterm_with_100_live_sessions]})
