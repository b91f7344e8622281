"""Wrapping a program (spec §6): `websockify [PORT] -- PROGRAM ARGS` with rebind.so.

Real programs: Debian's in.telnetd (package telnetd-ssl) serves one connection per start, which
makes --wrap-mode=respawn visible; sh and small Python programs give exit statuses, daemons and
process groups to check. Every wrapped program's process group must be gone once websockify
has stopped.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from harness import (BIN, LISTEN_LINE, STARTUP_TIMEOUT, OutputCapture, connect, echo, free_port,
                     indent, kill_group, receive_bytes, run_cases, run_cli,
                     wait_until_accepting)

TELNETD = shutil.which("in.telnetd") or shutil.which("in.telnetd", path="/usr/sbin")
# Started as root (CI), websockify refuses to run a wrapped program as root unless told to.
AS_ROOT = ["--wrap-as-root"] if os.geteuid() == 0 else []
IAC = 0xFF  # telnet's "interpret as command": telnetd opens with option negotiation
STOP_TIMEOUT = 15.0  # above the 5 s SIGTERM grace websockify gives the program

# A TCP echo server for the program side: binds PORT on every address of FAMILY (ipv4 or
# ipv6 only), optionally forks and lets the parent exit (a daemon), writes its process group
# id to PGID_FILE once it serves, then echoes one connection after another.
ECHO_PROGRAM = r"""
import os, socket, sys
family, port, mode, pgid_file = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
if family == "ipv6":
    listener = socket.create_server(("::", port), family=socket.AF_INET6)
else:
    listener = socket.create_server(("0.0.0.0", port))
if mode == "fork" and os.fork() != 0:
    os._exit(0)
with open(pgid_file + ".tmp", "w") as f:
    f.write(str(os.getpgrp()))
os.rename(pgid_file + ".tmp", pgid_file)
while True:
    conn, _ = listener.accept()
    with conn:
        while data := conn.recv(65536):
            conn.sendall(data)
"""


class Wrapped:
    """websockify wrapping `program`; `listen` None is the short form (no port before --)."""

    def __init__(self, program, *options, listen=None):
        self.cmd = [BIN, *AS_ROOT, *options, *([] if listen is None else [str(listen)]), "--",
                    *program]
        self.proc = None
        self.port = None
        self.exit_code = None

    @property
    def url(self):
        return f"ws://127.0.0.1:{self.port}/"

    def running(self):
        return self.proc.poll() is None

    def start(self):
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, start_new_session=True)
        self.stderr = OutputCapture(self.proc.stderr, "websockify-stderr")
        self.stdout = OutputCapture(self.proc.stdout, "websockify-stdout")
        try:
            match = self.stderr.wait_for(LISTEN_LINE, STARTUP_TIMEOUT, alive=self.running)
            self.port = int(match.group(2))
            wait_until_accepting(self.port, STARTUP_TIMEOUT)
        except Exception as exc:
            self.stop()
            raise AssertionError(f"websockify did not become ready: {exc}\n"
                                 f"  command: {' '.join(self.cmd)}\n"
                                 f"  stderr:\n{indent(self.stderr.text())}") from None
        return self

    def wait_for_log(self, pattern, timeout=10.0):
        try:
            return self.stderr.wait_for(pattern, timeout)
        except TimeoutError as exc:
            raise AssertionError(f"{exc}; websockify stderr:\n{indent(self.stderr.text())}") \
                from None

    def count_log(self, pattern):
        return sum(1 for line in self.stderr.lines() if re.search(pattern, line))

    def wait_exit(self, timeout):
        """The exit status once websockify exits by itself; AssertionError if it does not."""
        try:
            self.exit_code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"websockify still running after {timeout} s; stderr:\n"
                                 f"{indent(self.stderr.text())}") from None
        self.stderr.join(5)
        return self.exit_code

    def stop(self):
        """SIGTERM, then the exit status; SIGKILL (and a failure) if it does not exit in time."""
        if self.proc is None:
            return None
        if self.running():
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.exit_code = self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            kill_group(self.proc.pid)
            self.exit_code = self.proc.wait(5)
            raise AssertionError(f"websockify ignored SIGTERM for {STOP_TIMEOUT} s")
        finally:
            self.stderr.join(5)
            self.stdout.join(5)
        return self.exit_code

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        if self.running():
            self.stop()
        if exc_type is not None:
            print(f"--- websockify stderr (exit code {self.exit_code}):\n"
                  f"{indent(self.stderr.text())}")


def require_telnetd():
    if TELNETD is None:
        raise AssertionError("in.telnetd not found: install Debian's telnetd-ssl "
                             "(scripts/install-deps.sh test)")
    return TELNETD


def processes_running(argv):
    """Pids of live processes whose command line is exactly `argv` (zombies have none)."""
    wanted = b"\0".join(arg.encode() for arg in argv) + b"\0"
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if f.read() == wanted:
                    pids.append(int(entry))
        except OSError:
            pass
    return pids


def assert_not_running(argv):
    leftovers = processes_running(argv)
    for pid in leftovers:
        os.kill(pid, signal.SIGKILL)  # do not leak them into other tests
    assert not leftovers, f"{' '.join(argv)} still running after websockify stopped: {leftovers}"


def group_alive(pgid):
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def assert_group_gone(pgid):
    if group_alive(pgid):
        os.killpg(pgid, signal.SIGKILL)
        raise AssertionError(f"process group {pgid} of the wrapped program outlived websockify")


def read_pgid(path, timeout=10.0):
    """The pgid the program wrote to `path` (it writes it once it is serving)."""
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise AssertionError(f"the wrapped program did not write {path} within {timeout} s")
        time.sleep(0.02)  # polling for the program's readiness file
    with open(path) as f:
        return int(f.read())


async def telnet_greeting(server):
    """One WebSocket session through websockify: telnetd's first bytes must be IAC commands."""
    async with connect(server, subprotocols=["binary"]) as ws:
        first = await receive_bytes(ws, 3)
    assert first[0] == IAC, f"expected telnet negotiation (IAC, 0xff) first, got {first!r}"
    return first


def echo_program(tmp, family, port, mode):
    """The command line running ECHO_PROGRAM, saved as a script in `tmp` (so that the log lines
    naming the command stay single lines), and the file it writes its process group id to."""
    script = os.path.join(tmp, "echo_program.py")
    with open(script, "w") as f:
        f.write(ECHO_PROGRAM)
    pgid_file = os.path.join(tmp, "pgid")
    return [sys.executable, script, family, str(port), mode, pgid_file], pgid_file


def ipv6_loopback_available():
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


# --- respawn --------------------------------------------------------------------------------

async def respawn_telnetd():
    telnetd = require_telnetd()
    port = free_port()
    program = [telnetd, "-debug", str(port)]
    with Wrapped(program, "--wrap-mode=respawn", listen=f"127.0.0.1:{port}") as server:
        server.wait_for_log(r"proxying from 127\.0\.0\.1:\d+ to '.*in\.telnetd -debug \d+' "
                            r"\(port \d+\)")
        # telnetd serves one connection and exits: the second session needs a new telnetd.
        await telnet_greeting(server)
        await telnet_greeting(server)
        server.wait_for_log(r"Wrapped command exited \(or daemon\): .* Restarting in 0\.1 s")
        starts = server.count_log(r"^Starting '.*in\.telnetd -debug")
        assert starts >= 2, f"expected telnetd to be started twice, saw {starts} starts"
        assert server.stop() == 0, f"websockify exited with {server.exit_code} after SIGTERM"
    assert_not_running(program)


async def respawn_telnetd_short_form():
    telnetd = require_telnetd()
    port = free_port()
    program = [telnetd, "-debug", str(port)]
    # No listen port: rebind.so reports the port telnetd binds, and websockify listens there.
    with Wrapped(program, "--wrap-mode=respawn") as server:
        assert server.port == port, f"websockify listens on {server.port}, telnetd asked for {port}"
        await telnet_greeting(server)
        await telnet_greeting(server)
        starts = server.count_log(r"^Starting '.*in\.telnetd -debug")
        assert starts >= 2, f"expected telnetd to be started twice, saw {starts} starts"
        assert server.stop() == 0, f"websockify exited with {server.exit_code} after SIGTERM"
    assert_not_running(program)


# --- exit -----------------------------------------------------------------------------------

def exit_mode_exit_status():
    result = run_cli(*AS_ROOT, "127.0.0.1:0", "--", "sh", "-c", "exit 7", timeout=10)
    assert result.code == 7, f"websockify should exit with the program's status 7: {result}"
    assert "Wrapped command exited" in result.stderr, f"no exit line logged: {result}"


def exit_mode_killed_by_signal():
    result = run_cli(*AS_ROOT, "--wrap-mode=exit", "127.0.0.1:0", "--", "sh", "-c", "kill -TERM $$",
                     timeout=10)
    assert result.code == 128 + signal.SIGTERM, \
        f"a program killed by SIGTERM should make websockify exit 143: {result}"
    assert "killed by signal 15" in result.stderr, f"no signal in the exit line: {result}"


# --- ignore ---------------------------------------------------------------------------------

async def ignore_mode_daemon_keeps_serving():
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        program, pgid_file = echo_program(tmp, "ipv4", port, "fork")
        with Wrapped(program, "--wrap-mode=ignore", listen=f"127.0.0.1:{port}") as server:
            # The parent exits at once; its forked child goes on serving the moved port.
            server.wait_for_log(r"Wrapped command exited \(or daemon\): .*exited with status 0\. "
                                r"Still serving \(--wrap-mode=ignore\)")
            pgid = read_pgid(pgid_file)
            async with connect(server, subprotocols=["binary"]) as ws:
                payload = b"served by the daemonized child"
                assert await echo(ws, [payload]) == payload
            assert server.running(), "websockify exited although --wrap-mode=ignore"
            assert group_alive(pgid), "the daemonized child is gone before websockify stopped"
            assert server.stop() == 0, f"websockify exited with {server.exit_code} after SIGTERM"
        assert_group_gone(pgid)


# --- stopping -------------------------------------------------------------------------------

def sigterm_ends_program_group():
    with tempfile.TemporaryDirectory() as tmp:
        pgid_file = os.path.join(tmp, "pgid")
        script = f"sleep 300 & sleep 300 & echo $$ > {pgid_file}.tmp && mv {pgid_file}.tmp " \
                 f"{pgid_file}; wait"
        with Wrapped(["sh", "-c", script], listen="127.0.0.1:0") as server:
            pgid = read_pgid(pgid_file)
            assert group_alive(pgid)
            assert server.stop() == 0, f"websockify exited with {server.exit_code} after SIGTERM"
            server.wait_for_log(r"Stopping 'sh -c .*' \(SIGTERM to its process group\)")
        assert_group_gone(pgid)


def timeout_ends_program_group():
    """--timeout stops websockify by itself; the wrapped group must not outlive it."""
    with tempfile.TemporaryDirectory() as tmp:
        pgid_file = os.path.join(tmp, "pgid")
        script = f"sleep 300 & echo $$ > {pgid_file}.tmp && mv {pgid_file}.tmp {pgid_file}; wait"
        with Wrapped(["sh", "-c", script], "--timeout", "1", listen="127.0.0.1:0") as server:
            pgid = read_pgid(pgid_file)
            assert group_alive(pgid)
            assert server.wait_exit(STOP_TIMEOUT) == 0, f"exit code {server.exit_code}"
            server.wait_for_log(r"listener exit due to --timeout 1")
        assert_group_gone(pgid)


def sigkill_after_grace():
    with tempfile.TemporaryDirectory() as tmp:
        pgid_file = os.path.join(tmp, "pgid")
        # An ignored signal stays ignored in the children: the whole group ignores SIGTERM.
        script = f"trap '' TERM; echo $$ > {pgid_file}.tmp && mv {pgid_file}.tmp {pgid_file}; " \
                 f"while :; do sleep 1; done"
        with Wrapped(["sh", "-c", script], listen="127.0.0.1:0") as server:
            pgid = read_pgid(pgid_file)
            started = time.monotonic()
            assert server.stop() == 0, f"websockify exited with {server.exit_code} after SIGTERM"
            waited = time.monotonic() - started
            server.wait_for_log(r"still running 5 s after SIGTERM: sending SIGKILL")
            assert 4.0 < waited < STOP_TIMEOUT, f"websockify took {waited:.1f} s to stop"
        assert_group_gone(pgid)


# --- addresses ------------------------------------------------------------------------------

async def ipv6_only_program_reached():
    if not ipv6_loopback_available():
        print("SKIP: no IPv6 loopback on this host")
        return
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        program, pgid_file = echo_program(tmp, "ipv6", port, "stay")
        with Wrapped(program, listen=f"127.0.0.1:{port}") as server:
            pgid = read_pgid(pgid_file)
            async with connect(server, subprotocols=["binary"]) as ws:
                payload = b"to a program on [::1] only"
                assert await echo(ws, [payload]) == payload
            assert server.stop() == 0, f"websockify exited with {server.exit_code} after SIGTERM"
        assert_group_gone(pgid)


# --- startup failures -----------------------------------------------------------------------

def short_form_program_exits_first():
    result = run_cli(*AS_ROOT, "--", "sh", "-c", "exit 3", timeout=10)
    assert result.code == 1, f"expected exit status 1: {result}"
    assert "'sh -c exit 3' exited with status 3 before listening on a port" in result.stderr, \
        f"expected the reason on stderr: {result}"


def missing_rebind_library():
    result = run_cli(*AS_ROOT, "--rebind-library", "/nonexistent/rebind.so", "127.0.0.1:0", "--", "true")
    assert result.code == 1, f"expected exit status 1: {result}"
    lines = [line for line in result.stderr_lines() if "rebind" in line]
    assert len(lines) == 1 and "/nonexistent/rebind.so" in lines[0], \
        f"expected one line naming the library: {result}"


def program_not_found():
    result = run_cli(*AS_ROOT, "127.0.0.1:0", "--", "/nonexistent/program", timeout=10)
    assert result.code == 1, f"expected exit status 1: {result}"
    assert "cannot start '/nonexistent/program': No such file or directory" in result.stderr, \
        f"expected the reason on stderr: {result}"


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [
        respawn_telnetd, respawn_telnetd_short_form, exit_mode_exit_status,
        exit_mode_killed_by_signal, ignore_mode_daemon_keeps_serving, sigterm_ends_program_group,
        timeout_ends_program_group,
        sigkill_after_grace, ipv6_only_program_reached, short_form_program_exits_first,
        missing_rebind_library, program_not_found]})
