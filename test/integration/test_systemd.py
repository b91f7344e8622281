"""systemd integration: socket activation (LISTEN_FDS, driven by systemd-socket-activate from
Debian's systemd package) and sd_notify (READY, RELOADING, STOPPING, WATCHDOG) read from a
NOTIFY_SOCKET the test owns."""

import os
import re
import signal
import socket
import subprocess
import tempfile

from harness import (BIN, STARTUP_TIMEOUT, EchoTarget, OutputCapture, connect, echo, indent,
                     free_port, kill_group, run_cases)

ACTIVATE = "/usr/bin/systemd-socket-activate"


class Activated:
    """websockify started by systemd-socket-activate, which binds the sockets, waits for the
    first connection and then execs websockify with them as fds 3, 4, ... (LISTEN_FDS)."""

    def __init__(self, args, sockets=1, fdnames=None, env=None):
        self.args = args
        self.sockets = sockets
        self.fdnames = fdnames
        self.env = env or {}
        self.ports = []

    def __enter__(self):
        cmd = [ACTIVATE]
        # It refuses port 0, so free ports are picked (and could be taken in between: rare).
        for _ in range(self.sockets):
            cmd += ["-l", f"127.0.0.1:{free_port()}"]
        if self.fdnames:
            cmd.append("--fdname=" + ":".join(self.fdnames))
        for name in self.env:
            cmd += ["-E", name]
        cmd += [BIN, *self.args]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, start_new_session=True,
                                     env={**os.environ, **self.env})
        self.stderr = OutputCapture(self.proc.stderr, "activate-stderr")
        self.stdout = OutputCapture(self.proc.stdout, "activate-stdout")
        # "Listening on 127.0.0.1:PORT as 3." for each socket, before any exec.
        listening = re.compile(r"Listening on 127\.0\.0\.1:(\d+) as (\d+)\.")

        def all_listening(lines):
            found = [m for m in map(listening.search, lines) if m]
            return found if len(found) >= self.sockets else None
        found = self.stderr.wait_until(all_listening, STARTUP_TIMEOUT,
                                       f"{self.sockets} listening sockets")
        self.ports = [int(m.group(1)) for m in found[:self.sockets]]
        return self

    @property
    def port(self):
        return self.ports[0]

    @property
    def url(self):
        return f"ws://127.0.0.1:{self.port}/"

    def wait_for_log(self, pattern, timeout=5.0):
        try:
            return self.stderr.wait_for(pattern, timeout)
        except TimeoutError as exc:
            raise AssertionError(f"{exc}; stderr:\n{indent(self.stderr.text())}") from None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait(5)
        kill_group(self.proc.pid)
        self.stderr.join(5)
        return code

    def __exit__(self, exc_type, exc, tb):
        code = self.stop()
        if exc_type is not None:
            print(f"--- stderr (exit code {code}):\n{indent(self.stderr.text())}")


class NotifySocket:
    """The NOTIFY_SOCKET a service manager would own: a unix datagram socket in a temp dir."""

    def __init__(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "notify")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(STARTUP_TIMEOUT)

    def next(self, skip_watchdog=True):
        """The next message as a dict of its KEY=VALUE lines."""
        while True:
            try:
                raw = self.sock.recv(4096).decode()
            except socket.timeout:
                raise AssertionError(f"no sd_notify message within {STARTUP_TIMEOUT} s") from None
            message = dict(line.split("=", 1) for line in raw.splitlines() if "=" in line)
            if not (skip_watchdog and set(message) == {"WATCHDOG"}):
                return message

    def close(self):
        self.sock.close()
        self.dir.cleanup()


async def activated_socket_serves_first_client():
    with EchoTarget() as target, Activated([f"127.0.0.1:{target.port}"]) as server:
        # This connection is what makes systemd-socket-activate exec websockify: it waits in
        # the passed socket's backlog and must be served, not lost.
        async with connect(server) as ws:
            assert await echo(ws, [b"first", bytes(range(256))]) == b"first" + bytes(range(256))
        server.wait_for_log(rf"Listen on 127\.0\.0\.1:{server.port} \(systemd socket activation\)")
        async with connect(server) as ws:
            assert await echo(ws, [b"second"]) == b"second"
        assert server.stop() == 0


async def listen_port_of_plain_unit_is_ignored():
    """A unit written for a plain start keeps `6080 target`: the passed socket is used instead."""
    with EchoTarget() as target, \
            Activated(["6080", f"127.0.0.1:{target.port}"]) as server:
        async with connect(server) as ws:
            assert await echo(ws, [b"kept"]) == b"kept"
        server.wait_for_log(rf"Listen on 127\.0\.0\.1:{server.port} \(systemd socket activation\)")


async def metrics_socket_passed_by_name():
    with EchoTarget() as target, \
            Activated([f"127.0.0.1:{target.port}"], sockets=2,
                      fdnames=["websockify", "metrics"]) as server:
        public, metrics = server.ports
        async with connect(server) as ws:
            assert await echo(ws, [b"x"]) == b"x"
        server.wait_for_log(rf"Metrics and health checks \(plain HTTP\) on 127\.0\.0\.1:{metrics}")
        result = subprocess.run(["curl", "-sS", "-m", "5", f"http://127.0.0.1:{metrics}/healthz"],
                                capture_output=True, text=True, timeout=10)
        assert result.returncode == 0 and result.stdout.startswith("ok"), result
        result = subprocess.run(["curl", "-sS", "-m", "5", f"http://127.0.0.1:{metrics}/metrics"],
                                capture_output=True, text=True, timeout=10)
        assert "websockify_connections_total" in result.stdout, result.stdout[:500]
        assert public != metrics


async def notify_ready_reload_watchdog_stopping():
    notify = NotifySocket()
    try:
        env = {"NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "200000"}
        with EchoTarget() as target, \
                Activated([f"127.0.0.1:{target.port}"], env=env) as server:
            async with connect(server) as ws:  # starts websockify
                ready = notify.next()
                assert ready.get("READY") == "1", ready
                assert ready.get("STATUS") == f"Serving on 127.0.0.1:{server.port}", ready
                # systemd-socket-activate execs websockify in its own process.
                assert ready.get("MAINPID") == str(server.proc.pid), ready
                # Half of WATCHDOG_USEC: several pings arrive while the session is open.
                pings = 0
                while pings < 3:
                    message = notify.next(skip_watchdog=False)
                    assert message == {"WATCHDOG": "1"}, message
                    pings += 1
                assert await echo(ws, [b"during"]) == b"during"
                server.proc.send_signal(signal.SIGHUP)
                assert notify.next().get("RELOADING") == "1"
                reloaded = notify.next()
                assert reloaded.get("READY") == "1", reloaded
                server.proc.send_signal(signal.SIGTERM)
                stopping = notify.next()
                assert stopping.get("STOPPING") == "1", stopping
                assert "SIGTERM" in stopping.get("STATUS", ""), stopping
            # Waits for the exit the SIGTERM above started: stop() would signal a process that
            # is still tearing down (slow under ThreadSanitizer) a second time.
            assert server.proc.wait(10) == 0
    finally:
        notify.close()


def run_with_passed_fds(sockets, args, names=None, extra_env=None):
    """websockify with `sockets` at fds 3, 4, ... and LISTEN_PID set to its own pid, as systemd
    does it; returns (exit code, stderr)."""
    fds = [s.fileno() for s in sockets]
    env = {**os.environ, **(extra_env or {}), "LISTEN_FDS": str(len(fds))}
    if names:
        env["LISTEN_FDNAMES"] = ":".join(names)

    def move_fds():
        for number, fd in enumerate(fds, start=3):
            os.dup2(fd, number)
            os.set_inheritable(number, True)
    # LISTEN_PID must be the pid of the process that reads it: set by the shell that execs.
    cmd = ["/bin/sh", "-c", 'LISTEN_PID=$$ exec "$@"', "sh", BIN, *args]
    result = subprocess.run(cmd, env=env, preexec_fn=move_fds, pass_fds=range(3, 3 + len(fds)),
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=10)
    return result.returncode, result.stderr


def listening_socket():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    return s


def activation_errors():
    target = "127.0.0.1:9"
    connected = socket.socket()  # not listening
    two = [listening_socket(), listening_socket()]
    one = listening_socket()
    pair = [listening_socket(), listening_socket()]
    cases = [
        ([connected], [target], None, 1, "systemd socket: file descriptor 3 is not listening"),
        (two, [target], None, 2, "systemd passed more than one listening socket"),
        ([one], [target], ["metrics"], 2, "systemd passed only the socket named 'metrics'"),
        ([one], ["--inetd", target], None, 2, "--inetd and --unix-listen name the listening"),
        (pair, ["--metrics-listen", "0", target], ["websockify", "metrics"], 2,
         "--metrics-listen and systemd's socket named 'metrics' both give"),
        ([one], ["--", "true"], None, 2, "give the listen port before -- PROGRAM"),
    ]
    try:
        for sockets, args, names, code, message in cases:
            got, stderr = run_with_passed_fds(sockets, args, names)
            lines = [line for line in stderr.splitlines() if line.strip()]
            assert got == code, f"{args} with {len(sockets)} socket(s) {names}: exit {got}\n{stderr}"
            if message:
                assert len(lines) == 1 and message in lines[0], f"{args}: {stderr}"
    finally:
        for s in [connected, *two, one, *pair]:
            s.close()


if __name__ == "__main__":
    if not os.access(ACTIVATE, os.X_OK):
        raise SystemExit(f"{ACTIVATE} is missing: install Debian's systemd package")
    run_cases({f.__name__: f for f in [
        activated_socket_serves_first_client, listen_port_of_plain_unit_is_ignored,
        metrics_socket_passed_by_name, notify_ready_reload_watchdog_stopping,
        activation_errors]})
