"""--log-file (reopened on SIGHUP), --syslog (RFC 5424 over UDP or a unix datagram socket) and
--legacy-syslog (RFC 3164); an absent syslog receiver never stops the server."""

import contextlib
import os
import re
import signal
import socket
import tempfile
import time

from harness import EchoTarget, Websockify, connect, echo, indent, run_cli, run_cases

# RFC 5424 §6: <PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]
RFC5424 = re.compile(r"^<(\d{1,3})>(\d) (\S+) (\S+) (\S+) (\S+) (\S+) (-|\[.*?\])(?: (.*))?$",
                     re.DOTALL)
RFC5424_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)$")
# RFC 3164 §4.1: <PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG
RFC3164 = re.compile(r"^<(\d{1,3})>(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                     r"([ 1-3]\d) (\d\d:\d\d:\d\d) (\S+) ([A-Za-z0-9_-]+)\[(\d+)\]: (.*)$",
                     re.DOTALL)
USER_INFO = 1 * 8 + 6  # facility user, severity informational
WAIT = 5.0


def wait_for(predicate, what, timeout=WAIT):
    """predicate() once truthy, polled; AssertionError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {timeout} s")
        time.sleep(0.02)  # polling a file the server appends to, not waiting for time to pass


def read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def wait_for_file_line(path, pattern, timeout=WAIT):
    regex = re.compile(pattern)

    def found():
        return next((line for line in read_text(path).splitlines() if regex.search(line)), None)
    try:
        return wait_for(found, f"line matching {pattern!r} in {path}", timeout)
    except AssertionError as exc:
        raise AssertionError(f"{exc}; the file holds:\n{indent(read_text(path))}") from None


async def proxy_one_session(server):
    async with connect(server) as ws:
        assert await echo(ws, [b"hello"]) == b"hello", "echo mismatch"


class DatagramReceiver:
    """A syslog server stand-in: a UDP socket on 127.0.0.1, or a unix datagram socket."""

    def __init__(self, path=None):
        self.path = path
        if path is None:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.sock.bind(("127.0.0.1", 0))
            self.address = f"127.0.0.1:{self.sock.getsockname()[1]}"
        else:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self.sock.bind(path)
            self.address = path
        self.received = []

    def close(self):
        self.sock.close()
        if self.path is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def wait_for(self, pattern, timeout=WAIT):
        """The first datagram (decoded) matching `pattern`, among those kept and new ones."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            match = next((d for d in self.received if regex.search(d)), None)
            if match is not None:
                return match
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                shown = "\n".join(self.received[-20:])
                raise AssertionError(f"no datagram matching {pattern!r} within {timeout} s; "
                                     f"got {len(self.received)}:\n{indent(shown)}")
            self.sock.settimeout(remaining)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            self.received.append(data.decode("utf-8", "replace"))


def parse_rfc5424(datagram):
    match = RFC5424.match(datagram)
    assert match, f"not an RFC 5424 message: {datagram!r}"
    pri, version, timestamp, hostname, app, procid, msgid, sd, msg = match.groups()
    assert version == "1", f"VERSION is {version}, expected 1: {datagram!r}"
    assert RFC5424_TIME.match(timestamp), f"bad TIMESTAMP {timestamp!r}: {datagram!r}"
    return dict(pri=int(pri), hostname=hostname, app=app, procid=procid, msgid=msgid, sd=sd,
                msg=msg or "")


def check_rfc5424_session(receiver, server, target):
    startup = parse_rfc5424(receiver.wait_for(rf"Listen on 127\.0\.0\.1:{server.port}\b"))
    assert startup["pri"] == USER_INFO, f"PRI {startup['pri']}, expected {USER_INFO}: {startup}"
    assert startup["app"] == "websockify", f"APP-NAME {startup['app']!r}: {startup}"
    assert startup["procid"] == str(server.pid), \
        f"PROCID {startup['procid']!r}, the process is {server.pid}: {startup}"
    assert startup["msg"].endswith(f"Listen on 127.0.0.1:{server.port}"), f"MSG: {startup}"
    connecting = parse_rfc5424(receiver.wait_for(rf"connecting to: 127\.0\.0\.1:{target.port}"))
    assert connecting["msgid"] == "connect", f"MSGID {connecting['msgid']!r}: {connecting}"
    assert connecting["procid"] == str(server.pid), f"PROCID: {connecting}"
    assert connecting["pri"] == USER_INFO, f"PRI: {connecting}"


# --- --log-file ---------------------------------------------------------------------------

async def log_file_gets_startup_and_connection_lines():
    with tempfile.TemporaryDirectory() as tmp, EchoTarget() as target:
        path = os.path.join(tmp, "ws.log")
        with Websockify(target.port, "--log-file", path) as server:
            wait_for_file_line(path, rf"Listen on 127\.0\.0\.1:{server.port}\b")
            await proxy_one_session(server)
            wait_for_file_line(path, r"Plain non-SSL \(ws://\) WebSocket connection")
            wait_for_file_line(path, rf"connecting to: 127\.0\.0\.1:{target.port}\b")
        mode = os.stat(path).st_mode & 0o777
        assert mode & ~0o640 == 0, f"log file mode {oct(mode)}, expected at most 0640"
        # stderr keeps its lines too, the same ones.
        file_lines = read_text(path).splitlines()
        missing = [line for line in file_lines if line not in server.stderr.lines()]
        assert not missing, f"lines in the file but not on stderr: {missing}"


async def log_file_reopened_on_sighup():
    with tempfile.TemporaryDirectory() as tmp, EchoTarget() as target:
        path = os.path.join(tmp, "ws.log")
        rotated = path + ".1"
        with Websockify(target.port, "--log-file", path) as server:
            wait_for_file_line(path, rf"Listen on 127\.0\.0\.1:{server.port}\b")
            os.rename(path, rotated)  # logrotate: move, then HUP
            server.proc.send_signal(signal.SIGHUP)
            wait_for_file_line(path, r"reopened")
            await proxy_one_session(server)
            wait_for_file_line(path, rf"connecting to: 127\.0\.0\.1:{target.port}\b")
            assert server.running(), "SIGHUP stopped websockify"
        old, new = read_text(rotated), read_text(path)
        assert f"Listen on 127.0.0.1:{server.port}" in old, f"startup lines not kept:\n{old}"
        assert "connecting to" not in old, f"a line after the HUP went to the old file:\n{old}"
        assert "Listen on" not in new, f"startup lines copied into the new file:\n{new}"


def unwritable_log_file_fails_startup():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "no-such-dir", "ws.log")
        result = run_cli("--log-file", path, "127.0.0.1:0", "127.0.0.1:5900")
        assert result.code == 1, f"expected exit status 1: {result}"
        lines = result.stderr_lines()
        assert len(lines) == 1, f"expected one line on stderr: {result}"
        assert path in lines[0], f"the line does not name the file: {result}"
        # A directory is not a log file either.
        result = run_cli("--log-file", tmp, "127.0.0.1:0", "127.0.0.1:5900")
        assert result.code == 1 and len(result.stderr_lines()) == 1, f"directory: {result}"


# --- --syslog -----------------------------------------------------------------------------

async def syslog_udp_rfc5424():
    with DatagramReceiver() as receiver, EchoTarget() as target:
        with Websockify(target.port, "--syslog", receiver.address) as server:
            await proxy_one_session(server)
            check_rfc5424_session(receiver, server, target)


async def syslog_unix_socket_rfc5424():
    with tempfile.TemporaryDirectory() as tmp, EchoTarget() as target:
        with DatagramReceiver(os.path.join(tmp, "log")) as receiver:
            with Websockify(target.port, "--syslog", receiver.address) as server:
                await proxy_one_session(server)
                check_rfc5424_session(receiver, server, target)


async def legacy_syslog_rfc3164():
    with DatagramReceiver() as receiver, EchoTarget() as target:
        with Websockify(target.port, "--syslog", receiver.address, "--legacy-syslog") as server:
            await proxy_one_session(server)
            for pattern in [rf"Listen on 127\.0\.0\.1:{server.port}\b",
                            rf"connecting to: 127\.0\.0\.1:{target.port}\b"]:
                datagram = receiver.wait_for(pattern)
                match = RFC3164.match(datagram)
                assert match, f"not an RFC 3164 message: {datagram!r}"
                pri, _, _, _, _, tag, pid, msg = match.groups()
                assert int(pri) == USER_INFO, f"PRI {pri}: {datagram!r}"
                assert tag == "websockify", f"TAG {tag!r}: {datagram!r}"
                assert pid == str(server.pid), f"pid {pid}, the process is {server.pid}"
                assert re.search(pattern, msg), f"MSG {msg!r}"
                assert not datagram.startswith(f"<{pri}>1 "), f"RFC 5424 header: {datagram!r}"


async def syslog_socket_removed_keeps_serving():
    with tempfile.TemporaryDirectory() as tmp, EchoTarget() as target:
        path = os.path.join(tmp, "log")
        receiver = DatagramReceiver(path)
        with Websockify(target.port, "--syslog", path) as server:
            receiver.wait_for(r"Listen on")
            receiver.close()  # syslogd stopped: its socket file is gone
            await proxy_one_session(server)
            server.wait_for_log(r"unreachable")
            assert server.running(), "websockify stopped when syslog went away"
            # syslogd comes back at the same path: lines arrive again, with a drop count.
            with DatagramReceiver(path) as back:
                await proxy_one_session(server)
                back.wait_for(rf"connecting to: 127\.0\.0\.1:{target.port}\b")
                back.wait_for(r"log lines were dropped")


async def syslog_nobody_listening_keeps_serving():
    with DatagramReceiver() as unused:
        address = unused.address  # a UDP port nobody reads once closed
    with tempfile.TemporaryDirectory() as tmp, EchoTarget() as target:
        for server_address in [address, os.path.join(tmp, "never-created")]:
            with Websockify(target.port, "--syslog", server_address) as server:
                for _ in range(3):
                    await proxy_one_session(server)
                assert server.running(), f"--syslog {server_address}: websockify stopped"
            if "never-created" in server_address:
                assert any("unreachable" in line for line in server.stderr.lines()), \
                    f"no warning about the missing socket:\n{indent(server.stderr.text())}"


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [
        log_file_gets_startup_and_connection_lines, log_file_reopened_on_sighup,
        unwritable_log_file_fails_startup, syslog_udp_rfc5424, syslog_unix_socket_rfc5424,
        legacy_syslog_rfc3164, syslog_socket_removed_keeps_serving,
        syslog_nobody_listening_keeps_serving]})
