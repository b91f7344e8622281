"""Behind a proxy (issue #10): --proxy-protocol reads HAProxy's PROXY protocol header (v1 text,
v2 binary) before TLS/HTTP, and --trusted-proxy believes Forwarded / X-Forwarded-For from the
proxies it names. The client address they give is the one logs and --max-connections-per-ip
use.

Headers are written by hand over raw sockets (byte layouts from HAProxy's proxy-protocol.txt),
and by Debian's haproxy as an independent sender, which also balances two websockify instances
sharing a TokenRedis store.
"""

import ipaddress
import json
import os
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time

import websockets

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "tls"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "tokens"))

from backends import RedisServer  # noqa: E402
from certs import TestPki  # noqa: E402
from harness import (OP_BINARY, EchoTarget, RawClient, Websockify, build_frame,  # noqa: E402
                     echo, expect_close, free_port, indent, random_bytes, run_cases, run_cli,
                     upgrade_request)
from test_metrics import metrics_port, scrape, wait_until  # noqa: E402

V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"
READY_TIMEOUT = 10.0


# --- headers, written after proxy-protocol.txt ----------------------------------------------

def loopback_of(address):
    """The proxy's own address in the client's family: both addresses share it."""
    return "::1" if ":" in address else "127.0.0.1"


def v1(source, source_port, destination_port=6080):
    family = "TCP6" if ":" in source else "TCP4"
    destination = loopback_of(source)
    return f"PROXY {family} {source} {destination} {source_port} {destination_port}\r\n".encode()


def v2(source, source_port, destination_port=6080, tlvs=b""):
    """§2.2: signature, 0x21 (version 2, PROXY), family/transport, length, addresses, TLVs."""
    src, dst = ipaddress.ip_address(source), ipaddress.ip_address(loopback_of(source))
    family = 0x21 if src.version == 6 else 0x11
    body = src.packed + dst.packed + struct.pack(">HH", source_port, destination_port) + tlvs
    return V2_SIGNATURE + bytes([0x21, family]) + struct.pack(">H", len(body)) + body


def v2_local():
    """Version 2, LOCAL: a proxy's own connection (a health check); no addresses."""
    return V2_SIGNATURE + bytes([0x20, 0x00, 0x00, 0x00])


def proxied_echo(server, header, payload, request_options=None):
    """Header, upgrade request and one binary frame in a single send (so they share a packet);
    the echo must come back byte for byte."""
    with RawClient(server.port) as client:
        request = upgrade_request(server.port, **(request_options or {}))
        client.send(header + request + build_frame(OP_BINARY, payload))
        response = client.read_response()
        assert response.status == 101, f"handshake refused: {response}"
        received = b""
        while len(received) < len(payload):
            _, opcode, data = client.read_frame()
            assert opcode == OP_BINARY, f"opcode {opcode}"
            received += data
        assert received == payload, f"echo differs: {received[:40]!r}"


def expect_closed_without_answer(sock, timeout=5.0):
    """The server closes without writing anything."""
    sock.settimeout(timeout)
    try:
        data = sock.recv(1024)
    except ConnectionResetError:
        data = b""
    assert data == b"", f"expected the connection closed, got {data[:80]!r}"


def json_events(server):
    return [json.loads(line) for line in server.stderr.lines() if line.startswith("{")]


def closed_session(server, client):
    """The 'session closed' event of the session whose client is `client`."""
    def found(_lines):
        return next((e for e in json_events(server)
                     if e.get("event") == "session closed" and e.get("client") == client), None)
    return server.wait_until_log(found, 5, f"'session closed' with client {client}")


def http_status(port, header, request):
    with RawClient(port) as client:
        client.send(header + request)
        return client.read_response()


# --- haproxy --------------------------------------------------------------------------------

class Haproxy:
    """Debian's haproxy in the foreground (-db) on a free loopback port, `mode tcp`, relaying
    to `backends` (websockify ports) with `send_proxy` (send-proxy or send-proxy-v2). Health
    checks send a PROXY header too, which haproxy writes as v1 UNKNOWN / v2 LOCAL."""

    def __init__(self, backends, send_proxy, extra_server_options=""):
        self.binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
        if not os.path.exists(self.binary):
            raise AssertionError("haproxy not found (Debian package haproxy; "
                                 "scripts/install-deps.sh test installs it)")
        self._dir = tempfile.TemporaryDirectory(prefix="websockify-haproxy-")
        self.port = free_port()
        servers = "\n".join(
            f"    server s{i} 127.0.0.1:{port} {send_proxy} check check-send-proxy inter 200ms "
            f"fall 1 rise 1 {extra_server_options}"
            for i, port in enumerate(backends, 1))
        self.config = os.path.join(self._dir.name, "haproxy.cfg")
        with open(self.config, "w") as f:
            f.write(f"""global
    maxconn 200

defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    retries 2
    option redispatch

frontend public
    bind 127.0.0.1:{self.port}
    default_backend websockify

backend websockify
    balance roundrobin
{servers}
""")
        self.proc = None
        self.stderr = b""

    def start(self):
        self.proc = subprocess.Popen([self.binary, "-db", "-f", self.config],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError as exc:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise AssertionError(f"haproxy not accepting on {self.port}: {exc}\n"
                                         f"{indent(self.stderr.decode(errors='replace'))}")
            time.sleep(0.02)  # polling readiness (a connect), not waiting for time to pass

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            out, _ = self.proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate(timeout=5)
        self.stderr += out or b""
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, *_):
        self.stop()
        if exc_type is not None:
            print(f"--- haproxy output:\n{indent(self.stderr.decode(errors='replace'))}")
        self._dir.cleanup()


async def open_from(port, source, path="/"):
    """A websockets session to 127.0.0.1:port from the loopback address `source`."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((source, 0))
    sock.settimeout(5)
    sock.connect(("127.0.0.1", port))
    sock.setblocking(False)
    return await websockets.connect(f"ws://127.0.0.1:{port}{path}", sock=sock, open_timeout=5,
                                    close_timeout=5, ping_interval=None)


# --- cases: hand-written headers --------------------------------------------------------------

def v1_header_names_the_client():
    with EchoTarget() as target, Websockify(target.port, "--proxy-protocol") as server:
        proxied_echo(server, v1("192.0.2.10", 4711), random_bytes(seed=1, size=3000))
        server.wait_for_log(r"^192\.0\.2\.10 - - \[.*\] 192\.0\.2\.10: Plain non-SSL \(ws://\) "
                            r"WebSocket connection")
        proxied_echo(server, v1("2001:db8::7", 4712), b"six")
        server.wait_for_log(r"^2001:db8::7 - - \[.*\] 2001:db8::7: Plain non-SSL")
        # The TCP peer (127.0.0.1) never appears as a WebSocket client.
        assert not any("127.0.0.1: Plain non-SSL" in line for line in server.stderr.lines()), \
            server.stderr.text()


def v2_header_names_the_client():
    tlvs = b"\x04\x00\x03abc"  # PP2_TYPE_NOOP: skipped
    with EchoTarget() as target, \
            Websockify(target.port, "--proxy-protocol", "--log-format", "json") as server:
        payload = random_bytes(seed=2, size=70_000)
        proxied_echo(server, v2("198.51.100.20", 40000, tlvs=tlvs), payload)
        event = closed_session(server, "198.51.100.20")
        assert event["client_port"] == 40000, event
        assert event["bytes_from_client"] == len(payload), event
        proxied_echo(server, v2("2001:db8::20", 40001), b"v6")
        assert closed_session(server, "2001:db8::20")["client_port"] == 40001


def v2_local_keeps_the_peer():
    with EchoTarget() as target, Websockify(target.port, "--proxy-protocol", "-v") as server:
        proxied_echo(server, v2_local(), b"local")
        server.wait_for_log(r"PROXY v2 LOCAL header: the connection's own peer is the client")
        server.wait_for_log(r"^127\.0\.0\.1 - - \[.*\] 127\.0\.0\.1: Plain non-SSL")
        proxied_echo(server, b"PROXY UNKNOWN\r\n", b"unknown")
        server.wait_for_log(r"PROXY v1 header without TCP addresses")


async def tls_after_proxy_header():
    with TestPki() as pki, EchoTarget() as target, \
            Websockify(target.port, "--proxy-protocol", "--cert", pki.path("server.pem"),
                       "--key", pki.path("server.key")) as server:
        for header, client in [(v2("203.0.113.30", 5000), "203.0.113.30"),
                               (v1("203.0.113.31", 5001), "203.0.113.31")]:
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            sock.sendall(header)  # the ClientHello follows on the same connection
            sock.setblocking(False)
            context = ssl.create_default_context(cafile=pki.path("ca.pem"))
            ws = await websockets.connect(f"wss://localhost:{server.port}/", sock=sock,
                                          ssl=context, server_hostname="localhost",
                                          open_timeout=5, close_timeout=5, ping_interval=None)
            payload = random_bytes(seed=3, size=100_000)
            assert await echo(ws, [payload]) == payload
            await ws.close()
            server.wait_for_log(rf"^{client} - - \[.*\] {client}: SSL/TLS \(wss://\) WebSocket "
                                r"connection")


def missing_or_malformed_header_closed_and_logged():
    with EchoTarget() as target, \
            Websockify(target.port, "--proxy-protocol", "--handshake-timeout", "1", "-v",
                       "--metrics-listen", "127.0.0.1:0") as server:
        port = metrics_port(server)
        server.wait_for_log("client sent nothing")  # the harness's readiness probe
        before = scrape(port)
        for sent, problem in [
                (upgrade_request(server.port), "no PROXY protocol header"),
                (b"\x16\x03\x01\x02\x00\x01\x00", "no PROXY protocol header"),
                (b"PROXY TCP4 192.0.2.1 127.0.0.1 04711 6080\r\n" + upgrade_request(server.port),
                 r"PROXY v1: bad port"),
                (b"PROXY TCP4 192.0.2.1 127.0.0.1 4711 6080\n", r"line ends with \\n"),
                (V2_SIGNATURE + b"\x11\x11\x00\x0c" + bytes(12), "PROXY v2: version is not 2"),
                (V2_SIGNATURE + b"\x21\x11\x00\x08" + bytes(8), "too short for the addresses")]:
            with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
                sock.sendall(sent)
                expect_closed_without_answer(sock)
            server.wait_for_log(rf"no valid PROXY protocol header \(--proxy-protocol\): "
                                rf".*{problem}")
        # A header that never ends is cut off at the handshake deadline.
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(b"PROXY TCP4 192.0.2.1")
            expect_closed_without_answer(sock)
        server.wait_for_log(r"timed out waiting for the PROXY protocol header")
        reason = 'websockify_handshake_failures_total{reason="proxy_header"}'
        timeout = 'websockify_handshake_failures_total{reason="timeout"}'
        after = wait_until(lambda: (s := scrape(port)) and s[reason] - before[reason] == 6 and
                           s[timeout] - before[timeout] == 1 and s, "the failures counted")
        assert after["websockify_sessions_active"] == 0


def per_ip_limit_counts_the_proxy_address():
    with EchoTarget() as target, \
            Websockify(target.port, "--proxy-protocol", "--max-connections-per-ip", "1") as server:
        # Every connection comes from 127.0.0.1; the limit applies to the header's address.
        first = RawClient(server.port)
        first.send(v2("192.0.2.1", 1000) + upgrade_request(server.port))
        assert first.read_response().status == 101
        other = RawClient(server.port)
        other.send(v1("192.0.2.2", 1001) + upgrade_request(server.port))
        assert other.read_response().status == 101
        refused = http_status(server.port, v1("192.0.2.1", 1002), upgrade_request(server.port))
        assert refused.status == 503 and refused.headers.get("retry-after") == "1", refused
        server.wait_for_log(r"192\.0\.2\.1 has 1 connections open \(--max-connections-per-ip 1\)"
                            r": refused")
        first.sock.close()
        deadline = time.monotonic() + 5
        while http_status(server.port, v1("192.0.2.1", 1003),
                          upgrade_request(server.port)).status != 101:
            assert time.monotonic() < deadline, "192.0.2.1's place was never freed"
            time.sleep(0.02)  # polling for the server to see the close
        other.sock.close()


def forwarded_headers_from_trusted_peer():
    with EchoTarget() as target, \
            Websockify(target.port, "--trusted-proxy", "127.0.0.1/32", "--trusted-proxy",
                       "10.0.0.0/8", "--max-connections-per-ip", "1", "-v") as server:
        # The rightmost entry that is not a trusted proxy is the client.
        proxied_echo(server, b"", b"xff", {"extra": [
            "X-Forwarded-For: 198.51.100.99, 203.0.113.5, 10.1.2.3"]})
        server.wait_for_log(r"^203\.0\.113\.5 - - \[.*\] 203\.0\.113\.5: Plain non-SSL")
        proxied_echo(server, b"", b"fwd", {"extra": [
            'Forwarded: for="[2001:db8::5]:4711";proto=http, for=10.0.0.9']})
        server.wait_for_log(r"^2001:db8::5 - - \[.*\] 2001:db8::5: Plain non-SSL")
        server.wait_for_log(r"Forwarded from trusted proxy 127\.0\.0\.1: client "
                            r"\[2001:db8::5\]:4711")
        # --max-connections-per-ip counts the forwarded address, not the proxy's.
        held = RawClient(server.port)
        held.send(upgrade_request(server.port, extra=["X-Forwarded-For: 203.0.113.6"]))
        assert held.read_response().status == 101
        refused = http_status(server.port, b"",
                              upgrade_request(server.port,
                                              extra=["X-Forwarded-For: 203.0.113.6"]))
        assert refused.status == 503, refused
        server.wait_for_log(r"203\.0\.113\.6 has 1 connections open")
        proxied_echo(server, b"", b"other client", {"extra": ["X-Forwarded-For: 203.0.113.7"]})
        held.sock.close()


def forwarded_headers_from_untrusted_peer_ignored():
    with EchoTarget() as target, \
            Websockify(target.port, "--trusted-proxy", "10.0.0.0/8", "-v") as server:
        proxied_echo(server, b"", b"spoof", {"extra": [
            "X-Forwarded-For: 203.0.113.5", "Forwarded: for=203.0.113.6"]})
        server.wait_for_log(r"^127\.0\.0\.1 - - \[.*\] 127\.0\.0\.1: Plain non-SSL")
        server.wait_for_log(r"Forwarded/X-Forwarded-For ignored: 127\.0\.0\.1 is not a "
                            r"--trusted-proxy")
        assert "203.0.113" not in server.stderr.text(), server.stderr.text()


def bad_trusted_proxy_exits_2():
    for bad in ["10.0.0.0/33", "proxy.example", "::1/129", ""]:
        result = run_cli("--trusted-proxy", bad, "127.0.0.1:0", "127.0.0.1:5900")
        assert result.code == 2, str(result)
        lines = result.stderr_lines()
        assert len(lines) == 1 and f"--trusted-proxy '{bad}'" in lines[0], str(result)


# --- cases: haproxy as the sender -----------------------------------------------------------

async def haproxy_session(send_proxy, check_line):
    with EchoTarget() as target, \
            Websockify(target.port, "--proxy-protocol", "-v", "--log-format", "json") as server, \
            Haproxy([server.port], send_proxy) as haproxy:
        ws = await open_from(haproxy.port, "127.0.0.2")
        client_port = ws.local_address[1]
        payload = random_bytes(seed=4, size=200_000)
        assert await echo(ws, [payload]) == payload
        await ws.close()
        event = closed_session(server, "127.0.0.2")
        assert event["client_port"] == client_port, \
            f"websockify logged port {event['client_port']}, the client used {client_port}"
        assert event["bytes_from_client"] == len(payload), event
        # haproxy's health checks send a header too: v1 with the check connection's own
        # addresses, v2 as LOCAL.
        server.wait_for_log(check_line)


async def haproxy_send_proxy_v1():
    await haproxy_session("send-proxy", r"PROXY v1 header: client 127\.0\.0\.1:\d+, relayed by")


async def haproxy_send_proxy_v2():
    await haproxy_session("send-proxy-v2", r"PROXY v2 LOCAL header")


# --- scale-out: two instances, one haproxy, one Redis token store ------------------------------

def instance_of(instances, ws):
    """The index of the instance that logged the PROXY header of `ws` (from 127.0.0.2)."""
    needle = f"client 127.0.0.2:{ws.local_address[1]},"

    def logged_by():
        return next(((index,) for index, instance in enumerate(instances)
                     if any(needle in line for line in instance.stderr.lines())), None)
    return wait_until(logged_by, f"the PROXY header of {needle!r} in a log")[0]


async def scale_out_behind_haproxy():
    with tempfile.TemporaryDirectory() as tmp, RedisServer(tmp) as redis, \
            EchoTarget() as target:
        redis.command("SET", "desk", f'{{"host": "127.0.0.1:{target.port}"}}')
        options = ["--token-plugin", "TokenRedis", "--token-source",
                   f"127.0.0.1:{redis.port}", "--proxy-protocol", "--shutdown-grace", "2", "-v"]
        with Websockify(None, *options, positionals=["127.0.0.1:0"]) as first, \
                Websockify(None, *options, positionals=["127.0.0.1:0"]) as second, \
                Haproxy([first.port, second.port], "send-proxy-v2") as haproxy:
            instances = [first, second]
            sessions = []
            for i in range(4):
                ws = await open_from(haproxy.port, "127.0.0.2", "/?token=desk")
                payload = random_bytes(seed=10 + i, size=10_000)
                assert await echo(ws, [payload]) == payload
                sessions.append(ws)
            owners = [instance_of(instances, ws) for ws in sessions]
            assert sorted(set(owners)) == [0, 1], f"round robin used instances {owners}"
            stopping = owners.index(0)
            staying = owners.index(1)
            first.proc.send_signal(signal.SIGTERM)
            first.wait_for_log(r"waiting up to \d+ ms for \d+ connections? to finish")
            # During the grace period new sessions go to the other instance.
            for i in range(4):
                ws = await open_from(haproxy.port, "127.0.0.2", "/?token=desk")
                payload = random_bytes(seed=20 + i, size=10_000)
                assert await echo(ws, [payload]) == payload, "a new session failed"
                assert instance_of(instances, ws) == 1, "a new session reached the stopping one"
                await ws.close()
            # The live session on the stopping instance still works, then gets 1001.
            old = sessions[stopping]
            assert await echo(old, [b"still here"]) == b"still here"
            code, reason = await expect_close(old, timeout=10)
            assert code == 1001, (code, reason)
            payload = random_bytes(seed=30, size=10_000)
            assert await echo(sessions[staying], [payload]) == payload
            for index, ws in enumerate(sessions):
                if owners[index] == 1:
                    await ws.close()
            assert first.proc.wait(10) == 0


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [
        v1_header_names_the_client, v2_header_names_the_client, v2_local_keeps_the_peer,
        tls_after_proxy_header, missing_or_malformed_header_closed_and_logged,
        per_ip_limit_counts_the_proxy_address, forwarded_headers_from_trusted_peer,
        forwarded_headers_from_untrusted_peer_ignored, bad_trusted_proxy_exits_2,
        haproxy_send_proxy_v1, haproxy_send_proxy_v2, scale_out_behind_haproxy]})
