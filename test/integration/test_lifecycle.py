"""The process lifecycle (spec §8): -D with --pid-file, --run-once, --timeout, --idle-timeout,
--inetd, --unix-listen (+ mode), --unix-target, and the graceful stop on SIGTERM/SIGINT.

Each case checks what a user can see from outside: exit codes, log lines, files, sockets and
the bytes and close codes that clients receive.
"""

import asyncio
import os
import signal
import socket
import stat
import subprocess
import tempfile
import threading
import time

import websockets

from harness import (EchoTarget, Websockify, connect, echo, expect_close, free_port,
                     first_difference, random_bytes, receive_bytes, run_cases, run_cli,
                     wait_until_accepting)

EXIT_TIMEOUT = 10.0


def wait_exit(server, timeout=EXIT_TIMEOUT):
    """The exit code of a websockify that should stop by itself."""
    try:
        server.exit_code = server.proc.wait(timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"websockify still running after {timeout} s; stderr:\n"
                             f"{server.stderr.text()}") from None
    return server.exit_code


def refused(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


class UnixEchoTarget:
    """An echo server on a unix socket, one thread per connection."""

    def __init__(self, path):
        self.path = path
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        self.listener.listen(16)
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._echo, args=(conn,), daemon=True).start()

    @staticmethod
    def _echo(conn):
        with conn:
            while data := conn.recv(65536):
                conn.sendall(data)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self.thread.join(5)


# --- -D / --pid-file ------------------------------------------------------------------------

def daemon_detaches_and_writes_pid_file():
    with EchoTarget() as target, tempfile.TemporaryDirectory() as tmp:
        pid_path = os.path.join(tmp, "websockify.pid")
        port = free_port()
        # Relative paths: the daemon changes to / but must still find them.
        result = run_cli("-D", "--pid-file", os.path.relpath(pid_path), f"127.0.0.1:{port}",
                         f"127.0.0.1:{target.port}", timeout=10)
        assert result.code == 0, f"websockify -D should exit 0 once the daemon serves: {result}"
        with open(pid_path) as f:
            pid = int(f.read().strip())
        try:
            assert pid_alive(pid), f"pid file names {pid}, which is not running"
            assert os.getsid(pid) != os.getsid(0), "the daemon did not start a new session"
            assert os.getsid(pid) != pid, "the daemon is a session leader (no second fork)"
            assert os.readlink(f"/proc/{pid}/cwd") == "/", "the daemon did not change to /"
            wait_until_accepting(port, 5)

            async def session():
                class Where:
                    url = f"ws://127.0.0.1:{port}/"
                async with connect(Where()) as ws:
                    assert await echo(ws, [b"daemon echo"]) == b"daemon echo"
            asyncio.run(session())
        finally:
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + EXIT_TIMEOUT
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)  # polling for the daemon's exit: it is not our child
        assert not pid_alive(pid), "the daemon did not exit on SIGTERM"
        assert not os.path.exists(pid_path), "the pid file was left behind"
        print(f"daemon pid {pid} served, left a clean exit")


def daemon_reports_startup_failure():
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        result = run_cli("-D", f"127.0.0.1:{port}", "127.0.0.1:9", timeout=10)
    assert result.code == 1, f"a daemon that cannot listen must fail the command: {result}"
    lines = result.stderr_lines()
    assert len(lines) == 1 and "cannot listen" in lines[0], \
        f"expected one line naming the listen failure: {result}"
    print(f"startup failure reported through the launcher: {lines[0]}")


# --- --run-once, --timeout, --idle-timeout --------------------------------------------------

async def run_once_exits_after_first_session():
    with EchoTarget() as target, Websockify(target.port, "--run-once") as server:
        async with connect(server) as ws:
            assert await echo(ws, [b"only session"]) == b"only session"
            server.wait_for_log(r"Plain non-SSL")
            assert refused(server.port), "a second client must be refused during the session"
        code = wait_exit(server)
        assert code == 0, f"exit code {code}"
        server.wait_for_log(r"exiting due to --run-once")


def timeout_exits():
    with EchoTarget() as target, Websockify(target.port, "--timeout", "1") as server:
        started = time.monotonic()
        code = wait_exit(server)
        took = time.monotonic() - started
        assert code == 0, f"exit code {code}"
        server.wait_for_log(r"listener exit due to --timeout 1")
        assert took >= 0.5, f"exited after {took:.2f} s, before its --timeout of 1 s"
        print(f"exited {took:.2f} s after readiness")


async def idle_timeout_waits_for_sessions():
    with EchoTarget() as target, Websockify(target.port, "--idle-timeout", "1") as server:
        async with connect(server) as ws:
            # Longer than the idle timeout, with a session open: websockify must stay.
            for i in range(3):
                await asyncio.sleep(0.6)
                assert await echo(ws, [b"still here %d" % i]) == b"still here %d" % i
            assert server.running(), "exited while a session was open"
        closed = time.monotonic()
        code = wait_exit(server)
        idle = time.monotonic() - closed
        assert code == 0, f"exit code {code}"
        server.wait_for_log(r"listener exit due to --idle-timeout 1")
        assert idle >= 0.5, f"exited {idle:.2f} s after the last session, expected about 1 s"
        print(f"exited {idle:.2f} s after the last session closed")


# --- --inetd, --unix-listen, --unix-target --------------------------------------------------

async def inetd_listens_on_fd0():
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    with listener, EchoTarget() as target, \
            Websockify(None, "--inetd", positionals=[f"127.0.0.1:{target.port}"],
                       stdin=listener.fileno()) as server:
        assert server.port == port, f"log says port {server.port}, fd 0 listens on {port}"
        async with connect(server) as ws:
            assert await echo(ws, [b"via inetd"]) == b"via inetd"


def inetd_without_socket_fails():
    result = run_cli("--inetd", "127.0.0.1:9")  # stdin is /dev/null
    assert result.code == 1, f"expected exit 1: {result}"
    assert "file descriptor 0 is not a socket" in result.stderr, str(result)


async def unix_listen_mode_applied():
    with tempfile.TemporaryDirectory() as tmp, EchoTarget() as target:
        path = os.path.join(tmp, "ws.sock")
        with Websockify(None, "--unix-listen", path, "--unix-listen-mode", "0640",
                        positionals=[f"127.0.0.1:{target.port}"]) as server:
            assert server.unix_path == path, f"log names {server.unix_path}"
            info = os.stat(path)
            assert stat.S_ISSOCK(info.st_mode), "not a socket"
            mode = stat.S_IMODE(info.st_mode)
            assert mode == 0o640, f"socket mode {oct(mode)}, expected 0o640"
            ws = await websockets.unix_connect(path, "ws://localhost/", ping_interval=None,
                                               open_timeout=5, close_timeout=5)
            try:
                assert await echo(ws, [b"over a unix socket"]) == b"over a unix socket"
            finally:
                await ws.close()
            server.wait_for_log(r"unix:.*Plain non-SSL")
        assert not os.path.exists(path), "the socket file was left behind"


def unix_listen_refuses_live_socket():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "busy.sock")
        with socket.socket(socket.AF_UNIX) as other:
            other.bind(path)
            other.listen()
            result = run_cli("--unix-listen", path, "127.0.0.1:9")
        assert result.code == 1 and "another process is listening" in result.stderr, str(result)
        # The same path, now stale (nobody listens): replaced without complaint.
        with Websockify(None, "--unix-listen", path, positionals=["127.0.0.1:9"]) as server:
            assert server.unix_path == path


async def unix_target_relays():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "target.sock")
        with UnixEchoTarget(path), \
                Websockify(None, "--unix-target", path, positionals=["127.0.0.1:0"]) as server:
            data = random_bytes(seed=41, size=200_000)
            async with connect(server) as ws:
                got = await echo(ws, [data])
                assert got == data, first_difference(data, got)
            server.wait_for_log(r"connecting to: unix socket " + path)


# --- graceful stop --------------------------------------------------------------------------

async def sigterm_drains_then_1001():
    """Bytes sent before SIGTERM all arrive; sessions get the grace period, then 1001."""
    grace = 1.0
    payloads = [random_bytes(seed=50 + i, size=100_000) for i in range(3)]
    with EchoTarget() as target, \
            Websockify(target.port, "--shutdown-grace", str(grace)) as server:
        clients = [await websockets.connect(server.url, ping_interval=None, max_size=None,
                                            open_timeout=5, close_timeout=5) for _ in payloads]
        for ws, payload in zip(clients, payloads):
            await ws.send(payload)
        server.proc.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        server.wait_for_log(r"waiting up to 1000 ms for 3 connections")
        assert refused(server.port), "new clients must be refused once stopping"
        for ws, payload in zip(clients, payloads):
            got = await receive_bytes(ws, len(payload))
            assert got == payload, first_difference(payload, got)
        for ws in clients:
            code, reason = await expect_close(ws, timeout=grace + 5)
            assert (code, reason) == (1001, "Going Away"), f"close {code} {reason!r}"
        waited = time.monotonic() - signalled
        assert waited >= grace * 0.9, f"closed after {waited:.2f} s, before the grace period"
        code = wait_exit(server)
        assert code == 0, f"exit code {code}"
        server.wait_for_log(r"grace period over: closing 3 connections with 1001")
        print(f"3 sessions closed with 1001 {waited:.2f} s after SIGTERM, all bytes delivered")


async def sigterm_waits_for_sessions_that_end():
    """A session that ends within the grace period ends normally; exit follows at once."""
    with EchoTarget() as target, Websockify(target.port, "--shutdown-grace", "30") as server:
        async with connect(server) as ws:
            server.proc.send_signal(signal.SIGTERM)
            server.wait_for_log(r"waiting up to 30000 ms for 1 connection")
            assert await echo(ws, [b"during the grace period"]) == b"during the grace period"
        started = time.monotonic()
        code = wait_exit(server)
        assert code == 0, f"exit code {code}"
        took = time.monotonic() - started
        assert took < 5, f"exit took {took:.2f} s after the last session ended"


async def second_sigint_exits_now():
    with EchoTarget() as target, Websockify(target.port, "--shutdown-grace", "60") as server:
        async with connect(server):
            server.proc.send_signal(signal.SIGINT)
            server.wait_for_log(r"waiting up to 60000 ms")
            server.proc.send_signal(signal.SIGINT)
            code = wait_exit(server, timeout=5)
            assert code == 0, f"exit code {code}"
            server.wait_for_log(r"second signal: exiting now")


def idle_sigterm_exits_at_once():
    with EchoTarget() as target, Websockify(target.port) as server:
        server.proc.send_signal(signal.SIGTERM)
        code = wait_exit(server, timeout=3)
        assert code == 0, f"exit code {code}"
        server.wait_for_log(r"Got signal SIGTERM")


def conflicting_options_rejected():
    cases = [
        (["--inetd", "--unix-listen", "/tmp/x.sock", "127.0.0.1:9"], "--inetd and --unix-listen"),
        (["--inetd", "-D", "127.0.0.1:9"], "--inetd cannot be combined with --daemon"),
        (["--ssl-target", "--unix-target", "/tmp/x", "8080"], "--ssl-target cannot"),
        (["--unix-listen-mode", "999", "8080", "127.0.0.1:9"], "not an octal file mode"),
        (["--unix-target", "/tmp/x", "8080", "127.0.0.1:9"], "too many arguments"),
        (["--inetd", "--unix-target", "/tmp/x", "8080"], "unexpected argument '8080'"),
        (["--unix-listen", "/tmp/x.sock"], "expected target_addr:target_port"),
        (["--timeout", "-1", "8080", "127.0.0.1:9"], "--timeout"),
    ]
    for args, expected in cases:
        result = run_cli(*args)
        assert result.code == 2, f"{args}: {result}"
        lines = result.stderr_lines()
        assert len(lines) == 1 and expected in lines[0], f"{args}: expected {expected!r}: {result}"


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [
        daemon_detaches_and_writes_pid_file, daemon_reports_startup_failure,
        run_once_exits_after_first_session, timeout_exits, idle_timeout_waits_for_sessions,
        inetd_listens_on_fd0, inetd_without_socket_fails, unix_listen_mode_applied,
        unix_listen_refuses_live_socket, unix_target_relays, sigterm_drains_then_1001,
        sigterm_waits_for_sessions_that_end, second_sigint_exits_now,
        idle_sigterm_exits_at_once, conflicting_options_rejected]})
