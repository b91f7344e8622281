"""Run the websockify binary under test and watch it from the outside.

The binary comes from $WEBSOCKIFY_BIN (CMake sets it to the built target); without it the
Python reference /usr/bin/websockify runs, so the suite can be checked against the original.
Readiness is a log line plus an accepted TCP connection, never a sleep.

Test scripts import this module only: the TCP targets and the raw WebSocket client live in
targets.py and raw_ws.py and are re-exported here.
"""

import asyncio
import contextlib
import inspect
import os
import resource
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback

import websockets

from raw_ws import (OP_BINARY, OP_CLOSE, OP_CONT, OP_PING, OP_PONG, OP_TEXT,  # noqa: F401
                    RawClient, build_frame, parse_close, upgrade_request)
from targets import EchoTarget, RefusingPort, SinkTarget, SourceTarget  # noqa: F401

BIN = os.environ.get("WEBSOCKIFY_BIN") or "/usr/bin/websockify"
STARTUP_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0
# "Listen on 127.0.0.1:P", "Listen on [::1]:P" or "Listen on :P" (any address).
LISTEN_LINE = re.compile(r"Listen on (\[[^\]]*\]|[^\s:\"]*):(\d+)(?!\d)")
# "Listen on unix socket /path" (--unix-listen).
UNIX_LISTEN_LINE = re.compile(r"Listen on unix socket (\S+)")
MIB = 1 << 20


def is_python_reference(path=BIN):
    """Python websockify cannot report the port it got for port 0, so it needs a fixed one."""
    try:
        with open(path, "rb") as f:
            first_line = f.readline(200)
    except OSError:
        return False
    return first_line.startswith(b"#!") and b"python" in first_line


def free_port():
    """A port that was free a moment ago (only for the Python reference, which needs one)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def random_bytes(seed, size):
    """Reproducible test data: the same seed gives the same bytes on every run."""
    return random.Random(seed).randbytes(size)


def first_difference(expected, got):
    """A short human description of where two byte strings part ways."""
    if expected == got:
        return "identical"
    limit = min(len(expected), len(got))
    offset = next((i for i in range(limit) if expected[i] != got[i]), limit)
    return (f"expected {len(expected)} bytes, got {len(got)}; first difference at offset "
            f"{offset}: expected {expected[offset:offset + 8]!r}, got {got[offset:offset + 8]!r}")


class OutputCapture:
    """Drains a child's pipe on a thread (a full pipe would stall the child) and keeps lines."""

    def __init__(self, pipe, name):
        self._pipe = pipe
        self._lines = []
        self._changed = threading.Condition()
        self._eof = False
        self._thread = threading.Thread(target=self._drain, name=name, daemon=True)
        self._thread.start()

    def _drain(self):
        for raw in iter(self._pipe.readline, b""):
            with self._changed:
                self._lines.append(raw.decode("utf-8", "replace").rstrip("\r\n"))
                self._changed.notify_all()
        with self._changed:
            self._eof = True
            self._changed.notify_all()

    def lines(self):
        with self._changed:
            return list(self._lines)

    def text(self):
        return "\n".join(self.lines())

    def wait_for(self, pattern, timeout, alive=lambda: True):
        """The first match of regex `pattern` in a line; TimeoutError after `timeout` s or at EOF."""
        regex = re.compile(pattern)

        def first_match(lines):
            return next((m for m in map(regex.search, lines) if m), None)
        return self.wait_until(first_match, timeout, f"line matching {regex.pattern!r}", alive)

    def wait_until(self, predicate, timeout, what, alive=lambda: True):
        """predicate(lines) once it is truthy, re-checked on every new line; TimeoutError after
        `timeout` s, or at EOF, or when alive() turns false."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                result = predicate(self._lines)
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._eof or not alive():
                    raise TimeoutError(f"no {what} within {timeout} s")
                self._changed.wait(min(remaining, 0.1))

    def join(self, timeout):
        self._thread.join(timeout)


# First lines of the reports that must fail a test (UBSan's are handled by the cases that can
# meet them, see only_descriptor_vptr_reports).
SANITIZER_REPORTS = ("WARNING: ThreadSanitizer:", "ERROR: AddressSanitizer:")


def sanitizer_env(fd_limit):
    """The environment for a websockify that may run out of file descriptors. UBSan checks a
    vptr it has not seen before by probing memory through a pipe(); with no descriptor left that
    probe fails and a sound object is reported as "invalid vptr". Such reports must not stop the
    process there; tests call `only_descriptor_vptr_reports` to see that nothing else came."""
    options = os.environ.get("UBSAN_OPTIONS")
    if not fd_limit or options is None:
        return None
    return dict(os.environ, UBSAN_OPTIONS=f"{options}:halt_on_error=0")


def only_descriptor_vptr_reports(stderr_text):
    """AssertionError if UBSan reported anything but the vptr misfire described above."""
    lines = stderr_text.splitlines()
    for index, line in enumerate(lines):
        if "runtime error:" in line:
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if "object has invalid vptr" not in following:
                raise AssertionError(f"undefined behaviour reported: {line}")


class Websockify:
    """The binary under test, listening on 127.0.0.1, proxying to `target`.

    Use as a context manager: entering waits for readiness, leaving stops the process (and on
    a failing test prints its stderr, which is usually the explanation).
    """

    def __init__(self, target, *options, listen_host="127.0.0.1", positionals=None, stdin=None,
                 fd_limit=None):
        """listen_host "" passes a bare port: websockify then listens dual-stack on [::].
        `positionals` replaces the listen and target arguments (for --unix-listen, --inetd,
        --unix-target); `stdin` is a file descriptor to pass as fd 0 (--inetd); `fd_limit`
        sets RLIMIT_NOFILE (soft and hard) for the process."""
        self.target = f"127.0.0.1:{target}" if isinstance(target, int) else target
        self.listen_host = listen_host
        self.options = list(options)
        self.positionals = positionals
        self.stdin = subprocess.DEVNULL if stdin is None else stdin
        self.proc = None
        self.port = None
        self.unix_path = None
        self.exit_code = None
        self.fd_limit = fd_limit

    @property
    def url(self):
        return f"ws://127.0.0.1:{self.port}/"

    @property
    def pid(self):
        return self.proc.pid

    def start(self):
        requested = free_port() if is_python_reference() else 0
        if self.positionals is None:
            listen = f"{self.listen_host}:{requested}" if self.listen_host else str(requested)
            cmd = [BIN, *self.options, listen, self.target]
        else:
            requested = 0
            cmd = [BIN, *self.options, *self.positionals]
        # A new session makes the process group ours alone, so stop() can also reach the
        # per-connection children the Python reference forks.
        limit = self.fd_limit
        preexec = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))) \
            if limit else None
        self.proc = subprocess.Popen(cmd, stdin=self.stdin, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, start_new_session=True,
                                     preexec_fn=preexec, env=sanitizer_env(limit))
        self.stderr = OutputCapture(self.proc.stderr, "websockify-stderr")
        self.stdout = OutputCapture(self.proc.stdout, "websockify-stdout")
        try:
            match = self.stderr.wait_for(f"{LISTEN_LINE.pattern}|{UNIX_LISTEN_LINE.pattern}",
                                         STARTUP_TIMEOUT, alive=self.running)
            if match.group(0).startswith("Listen on unix socket"):
                self.unix_path = match.group(3)
                return self
            self.port = int(match.group(2))
            if requested and self.port != requested:
                raise AssertionError(f"asked for port {requested}, log says {self.port}")
            probe_host = self.listen_host.strip("[]") or "127.0.0.1"
            wait_until_accepting(self.port, STARTUP_TIMEOUT, probe_host)
        except Exception as exc:
            self.stop()
            raise AssertionError(
                f"websockify did not become ready: {exc}\n  command: {' '.join(cmd)}\n"
                f"  exit code: {self.exit_code}\n  stderr:\n{indent(self.stderr.text())}") from None
        return self

    def running(self):
        return self.proc.poll() is None

    def wait_for_log(self, pattern, timeout=5.0):
        """The match of `pattern` in a stderr line; AssertionError with the log if it never comes."""
        try:
            return self.stderr.wait_for(pattern, timeout)
        except TimeoutError as exc:
            raise AssertionError(f"{exc}; websockify stderr:\n{indent(self.stderr.text())}") from None

    def wait_until_log(self, predicate, timeout, what):
        """predicate(stderr lines) once truthy; AssertionError with the log if it never is."""
        try:
            return self.stderr.wait_until(predicate, timeout, what)
        except TimeoutError as exc:
            raise AssertionError(f"{exc}; websockify stderr:\n{indent(self.stderr.text())}") from None

    def stop(self):
        """SIGTERM, then SIGKILL after STOP_TIMEOUT; returns the exit code."""
        if self.proc is None:
            return None
        if self.running():
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.exit_code = self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.exit_code = self.proc.wait(STOP_TIMEOUT)
            print(f"note: websockify ignored SIGTERM for {STOP_TIMEOUT} s and was killed")
        kill_group(self.proc.pid)
        self.stderr.join(STOP_TIMEOUT)
        self.stdout.join(STOP_TIMEOUT)
        return self.exit_code

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        self.stop()
        if exc_type is not None:
            print(f"--- websockify stderr (exit code {self.exit_code}):\n{indent(self.stderr.text())}")
            return
        # A sanitizer report fails the case even when every assertion held: a data race or a
        # use-after-free found on the way is a bug, whatever the client saw.
        reports = [line for line in self.stderr.lines() if any(
            marker in line for marker in SANITIZER_REPORTS)]
        assert not reports, (f"sanitizer report from websockify: {reports[0]}\n"
                             f"{indent(self.stderr.text())}")


def kill_group(pgid):
    """Ends leftovers in the process group we created (the reference's forked handlers)."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def wait_until_accepting(port, timeout, host="127.0.0.1"):
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection((host, port), timeout=1).close()
            return
        except OSError as exc:
            if time.monotonic() > deadline:
                raise TimeoutError(f"port {port} not accepting after {timeout} s: {exc}") from None
            time.sleep(0.02)  # polling the readiness condition, not waiting for time to pass


def indent(text):
    return "\n".join("    " + line for line in text.splitlines()) or "    (empty)"


class CliResult:
    def __init__(self, code, stdout, stderr):
        self.code, self.stdout, self.stderr = code, stdout, stderr

    def stderr_lines(self):
        return [line for line in self.stderr.splitlines() if line.strip()]

    def __str__(self):
        return (f"exit code {self.code}\n  stdout:\n{indent(self.stdout)}\n"
                f"  stderr:\n{indent(self.stderr)}")


def run_cli(*args, timeout=5.0):
    """Runs the binary to completion; a process still running after `timeout` is a failure."""
    proc = subprocess.Popen([BIN, *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc.pid)
        out, err = proc.communicate()
        raise AssertionError(f"`websockify {' '.join(args)}` still running after {timeout} s "
                             f"(it should have exited)\n  stderr:\n{indent(err.decode(errors='replace'))}")
    return CliResult(proc.returncode, out.decode(errors="replace"), err.decode(errors="replace"))


# --- memory and descriptors ---------------------------------------------------------------

def fd_count(pid):
    """Open file descriptors of a process (entries of /proc/PID/fd)."""
    return len(os.listdir(f"/proc/{pid}/fd"))


def rss_kib(pid):
    """Resident set size of one process from /proc/PID/status (VmRSS), in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise ValueError(f"no VmRSS for pid {pid}")


def process_tree(pid):
    """pid and its descendants: the reference forks a process per connection."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as f:
                    todo.extend(int(child) for child in f.read().split())
        except OSError:
            pass
    return pids


class PeriodicSampler:
    """Calls `sample()` on a thread every `interval` seconds between enter and exit, and once
    more at each end. Subclasses keep what they measure."""

    def __init__(self, interval):
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=type(self).__name__, daemon=True)

    def sample(self):
        raise NotImplementedError

    def _run(self):
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self):
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.sample()


class RssSampler(PeriodicSampler):
    """Samples the RSS growth of a process tree on a thread while a transfer runs.

    Growth of each process is measured from its first sample, so a forked child's copy of its
    parent's pages does not count as growth; peak_growth_kib is the largest summed growth.
    """

    def __init__(self, pid, interval=0.02):
        super().__init__(interval)
        self.pid = pid
        self.baseline_kib = rss_kib(pid)
        self.peak_growth_kib = 0
        self._first = {}

    def sample(self):
        growth = 0
        for pid in process_tree(self.pid):
            try:
                rss = rss_kib(pid)
            except (OSError, ValueError):
                continue  # exited between listing and reading
            growth += rss - self._first.setdefault(pid, rss)
        self.peak_growth_kib = max(self.peak_growth_kib, growth)


# --- WebSocket client helpers (Python websockets) ----------------------------------------

@contextlib.asynccontextmanager
async def connect(server, **options):
    """An open websockets connection with bounded waits, closed on exit; a refused or stalled
    handshake becomes a readable AssertionError. Keepalive pings are off: they would interleave.
    """
    settings = dict(open_timeout=5, close_timeout=5, ping_interval=None, max_size=16 * MIB)
    settings.update(options)
    offer = f" (offering subprotocols {', '.join(settings['subprotocols'])})" \
        if settings.get("subprotocols") else ""
    try:
        ws = await websockets.connect(server.url, **settings)
    except websockets.InvalidStatusCode as exc:
        raise AssertionError(f"handshake refused with HTTP {exc.status_code}{offer}") from None
    except asyncio.TimeoutError:
        raise AssertionError(f"opening handshake not done within {settings['open_timeout']} s") from None
    try:
        yield ws
    except BaseException:
        ws.transport.abort()  # the test failed already: do not wait out a closing handshake
        raise
    await ws.close()


async def receive_bytes(ws, count, timeout=10.0):
    """Binary messages from `ws` until `count` bytes arrived (TCP may split or join them)."""
    received = bytearray()

    async def collect():
        while len(received) < count:
            message = await ws.recv()
            if isinstance(message, str):
                raise AssertionError(f"got a text frame {message[:40]!r}, expected binary frames")
            received.extend(message)

    try:
        await asyncio.wait_for(collect(), timeout)
    except asyncio.TimeoutError:
        raise AssertionError(f"received {len(received)} of {count} bytes within {timeout} s") from None
    except websockets.ConnectionClosed as exc:
        raise AssertionError(f"connection closed ({exc}) after {len(received)} of {count} bytes") from None
    return bytes(received)


async def echo(ws, messages, timeout=10.0):
    """Sends `messages` while reading the echo concurrently (so no buffer can deadlock)."""
    async def send_all():
        try:
            await asyncio.wait_for(send_each(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"sending {len(messages)} messages took over {timeout} s") from None

    async def send_each():
        for message in messages:
            await ws.send(message)

    total = sum(len(m) if not isinstance(m, list) else sum(map(len, m)) for m in messages)
    _, received = await asyncio.gather(send_all(), receive_bytes(ws, total, timeout))
    return received


async def expect_close(ws, timeout=5.0):
    """Reads until the server closes; returns (code, reason) of the server's close frame."""
    messages = size = 0
    try:
        while True:
            message = await asyncio.wait_for(ws.recv(), timeout)
            messages, size = messages + 1, size + len(message)
    except websockets.ConnectionClosed:
        pass
    except asyncio.TimeoutError:
        raise AssertionError(f"server did not close the connection within {timeout} s "
                             f"(meanwhile {messages} messages, {size} bytes arrived)") from None
    if ws.close_rcvd is None:
        raise AssertionError("connection ended without a close frame from the server (1006)")
    return ws.close_rcvd.code, ws.close_rcvd.reason


# --- running cases -------------------------------------------------------------------------

def run_cases(cases):
    """`script.py CASE...` runs the named cases (all when none given); `--list` lists them.

    A case is a plain or async function that raises AssertionError with a readable message.
    Exit status 0 when every case passed, 1 otherwise: one ctest test per case.
    """
    names = sys.argv[1:] or list(cases)
    if names == ["--list"]:
        print("\n".join(cases))
        return
    failed = []
    for name in names:
        if name not in cases:
            sys.exit(f"unknown case {name!r}; known: {', '.join(cases)}")
        print(f"=== {name} (websockify: {BIN})", flush=True)
        started = time.monotonic()
        try:
            if inspect.iscoroutinefunction(cases[name]):
                asyncio.run(cases[name]())
            else:
                cases[name]()
        except Exception as exc:
            failed.append(name)
            if not isinstance(exc, AssertionError):
                traceback.print_exc()
            print(f"FAIL {name}: {exc}", flush=True)
        else:
            print(f"PASS {name} ({time.monotonic() - started:.1f} s)", flush=True)
    sys.exit(1 if failed else 0)
