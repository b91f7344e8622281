"""Limits (issue #9): --max-connections and --max-connections-per-ip answer 503 and log it,
the handshake deadline covers the whole request head, running out of file descriptors pauses
accepting without disturbing open sessions, and the size flags are checked at startup.
"""

import asyncio
import socket
import time

import websockets

from harness import (EchoTarget, RawClient, Websockify, echo, only_descriptor_vptr_reports,
                     random_bytes, run_cases, run_cli,
                     upgrade_request)


async def open_session(server, source="127.0.0.1", open_timeout=5):
    """A websockets session from `source` (any 127/8 address is loopback)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((source, 0))
    sock.settimeout(open_timeout)
    sock.connect(("127.0.0.1", server.port))
    sock.setblocking(False)
    return await websockets.connect(server.url, sock=sock, open_timeout=open_timeout,
                                    close_timeout=5, ping_interval=None)


async def still_echoes(sessions, seed):
    for i, ws in enumerate(sessions):
        payload = random_bytes(seed=seed + i, size=4096)
        assert await echo(ws, [payload]) == payload, f"session {i} lost bytes"


def wait_for_probe_to_end(server):
    """The harness's readiness probe is a connection too; with -v its end is logged."""
    server.wait_for_log("client sent nothing")


async def max_connections_refuses_with_503():
    with EchoTarget() as target, Websockify(target.port, "-v", "--max-connections", "3") as server:
        wait_for_probe_to_end(server)
        server.wait_for_log(r"Connection limit: 3 ")
        sessions = [await open_session(server) for _ in range(3)]
        with RawClient(server.port) as client:
            client.send(upgrade_request(server.port))
            response = client.read_response()
        assert response.status == 503, response
        assert response.headers.get("retry-after") == "1", response.headers
        server.wait_for_log(r"connection limit reached \(--max-connections 3\): refused 127\.0\.0\.1")
        await still_echoes(sessions, seed=1)
        # A closed session frees its place.
        await sessions.pop().close()
        deadline = time.monotonic() + 5
        while True:
            try:
                sessions.append(await open_session(server))
                break
            except websockets.InvalidStatusCode as exc:
                assert exc.status_code == 503, exc
                assert time.monotonic() < deadline, "the freed place never became available"
                await asyncio.sleep(0.02)  # polling for the server to see the close
        await still_echoes(sessions, seed=10)
        for ws in sessions:
            await ws.close()


async def per_ip_limit_counts_each_address():
    with EchoTarget() as target, \
            Websockify(target.port, "-v", "--max-connections-per-ip", "2") as server:
        wait_for_probe_to_end(server)
        first = [await open_session(server) for _ in range(2)]
        try:
            await open_session(server)
            raise AssertionError("a third connection from 127.0.0.1 was accepted")
        except websockets.InvalidStatusCode as exc:
            assert exc.status_code == 503, exc
        server.wait_for_log(r"127\.0\.0\.1 has 2 connections open "
                            r"\(--max-connections-per-ip 2\): refused")
        # Another client address is not affected.
        other = await open_session(server, source="127.0.0.2")
        await still_echoes(first + [other], seed=20)
        for ws in first + [other]:
            await ws.close()


def handshake_deadline_covers_the_whole_head():
    """A client that sends its head one byte at a time, each well within the timeout, is cut
    off when the whole handshake's deadline passes, not allowed to go on for ever."""
    with EchoTarget() as target, Websockify(target.port, "--handshake-timeout", "1") as server:
        request = upgrade_request(server.port)
        pace = 0.2
        started = time.monotonic()
        sent = 0
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            try:
                for byte in request:
                    sock.sendall(bytes([byte]))
                    sent += 1
                    time.sleep(pace)  # the slowloris pace under test, not a synchronisation
            except (BrokenPipeError, ConnectionResetError):
                pass
            sock.settimeout(5)
            try:
                rest = sock.recv(100)
            except ConnectionResetError:
                rest = b""
        assert rest == b"", f"expected the connection closed, got {rest!r}"
        assert sent < len(request) // 2, \
            f"{sent} of {len(request)} bytes sent at {pace} s each before the cut"
        server.wait_for_log("timed out waiting for the request head")
        print(f"  cut after {sent} bytes, {time.monotonic() - started:.1f} s")


async def out_of_descriptors_keeps_sessions():
    """With too few file descriptors, accept (or the target connect) fails with EMFILE: the
    failure is logged, the new client is refused or closed 1011, and the sessions already
    open go on; closing some lets the next client in."""
    with EchoTarget() as target, \
            Websockify(target.port, "--max-connections", "100", fd_limit=40) as server:
        server.wait_for_log(r"--max-connections 100 needs 264 file descriptors, but the limit "
                            r"is 40")
        sessions = []
        for attempt in range(40):
            try:
                ws = await open_session(server, open_timeout=2)
            except (asyncio.TimeoutError, TimeoutError):
                break  # accept keeps failing: the client waits in the backlog
            try:
                payload = random_bytes(seed=attempt, size=512)
                await asyncio.wait_for(ws.send(payload), 2)
                if await asyncio.wait_for(ws.recv(), 2) != payload:
                    raise AssertionError(f"session {attempt} got wrong bytes")
                sessions.append(ws)
            except (websockets.ConnectionClosed, asyncio.TimeoutError):
                # Accepted, but no descriptor was left for the target: 1011 after the 101.
                assert ws.close_code in (1011, None), ws.close_code
                await ws.close()
                break
        else:
            raise AssertionError(f"opened {len(sessions)} sessions with 40 descriptors")
        assert len(sessions) >= 5, f"only {len(sessions)} sessions before running out"
        server.wait_for_log(r"Too many open files")
        await still_echoes(sessions, seed=30)
        for ws in sessions[:3]:
            await ws.close()
        del sessions[:3]
        deadline = time.monotonic() + 10
        while True:
            try:
                late = await open_session(server, open_timeout=2)
                payload = random_bytes(seed=99, size=512)
                await asyncio.wait_for(late.send(payload), 2)
                assert await asyncio.wait_for(late.recv(), 2) == payload
                break
            except (asyncio.TimeoutError, TimeoutError, websockets.ConnectionClosed):
                # A client still waiting in the backlog may take the first freed place.
                assert time.monotonic() < deadline, "no client got in after sessions closed"
        await still_echoes(sessions + [late], seed=40)
        print(f"  {len(sessions) + 3} sessions fitted in 40 descriptors")
        for ws in sessions + [late]:
            await ws.close()
        only_descriptor_vptr_reports(server.stderr.text())


def size_flags_are_checked():
    with EchoTarget() as target, \
            Websockify(target.port, "--max-head-size", "300", "--buffer-size", "4096") as server:
        with RawClient(server.port) as client:
            client.send(upgrade_request(server.port, extra=["X-Padding: " + "p" * 400]))
            assert client.read_response().status == 431
    for flag, value in (("--max-head-size", "10"), ("--buffer-size", "0"),
                        ("--max-connections", "-1"), ("--connect-timeout", "0"),
                        ("--threads", "-1"), ("--threads", "5000")):
        result = run_cli(flag, value, "127.0.0.1:0", "127.0.0.1:9")
        lines = result.stderr_lines()
        assert result.code == 2 and len(lines) == 1 and flag in lines[0], \
            f"{flag} {value}: exit {result.code}, stderr {lines}"


run_cases({
    "max_connections_refuses_with_503": max_connections_refuses_with_503,
    "per_ip_limit_counts_each_address": per_ip_limit_counts_each_address,
    "handshake_deadline_covers_the_whole_head": handshake_deadline_covers_the_whole_head,
    "out_of_descriptors_keeps_sessions": out_of_descriptors_keeps_sessions,
    "size_flags_are_checked": size_flags_are_checked,
})
