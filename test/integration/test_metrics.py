"""Observability (issue #10): --metrics-listen serves Prometheus /metrics, /healthz and /readyz
on a plain-HTTP port of its own.

Scrapes go through curl, sessions through Python websockets against an echo target, and each
case checks how the numbers move around one event rather than their absolute values.
"""

import os
import re
import signal
import socket
import subprocess
import tempfile
import time

from harness import (EchoTarget, RawClient, Websockify, connect, echo, indent, random_bytes,
                     run_cases, run_cli, upgrade_request)

AS_ROOT = ["--wrap-as-root"] if os.geteuid() == 0 else []
METRICS_LINE = r"Metrics and health checks \(plain HTTP\) on 127\.0\.0\.1:(\d+): " \
               r"/metrics, /healthz, /readyz"
METRIC_NAMES = ["websockify_sessions_active", "websockify_sessions_total",
                "websockify_bytes_total", "websockify_handshake_failures_total",
                "websockify_target_connect_seconds", "websockify_token_lookup_seconds",
                "websockify_tls_handshakes_total", "websockify_connections_total"]
SAMPLE_LINE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$")


class HttpAnswer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def __str__(self):
        return f"HTTP {self.status}, headers {self.headers}, body:\n{indent(self.body)}"


def http(port, path, method="GET"):
    """One request with curl; its status, headers (lower-case names) and body."""
    # --noproxy: an http_proxy in the environment must not take loopback requests.
    command = ["curl", "-sS", "-i", "--noproxy", "*", "--max-time", "5",
               f"http://127.0.0.1:{port}{path}"]
    command += ["-I"] if method == "HEAD" else ["-X", method]
    done = subprocess.run(command, capture_output=True, timeout=10)
    if done.returncode != 0:
        raise AssertionError(f"curl {method} {path} on port {port} failed: "
                             f"{done.stderr.decode(errors='replace').strip()}")
    head, _, body = done.stdout.decode(errors="replace").partition("\r\n\r\n")
    status_line, *header_lines = head.split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return HttpAnswer(int(status_line.split()[1]), headers, body)


def scrape(port):
    """GET /metrics as {sample as printed, e.g. 'name{a="b"}': value}."""
    answer = http(port, "/metrics")
    assert answer.status == 200, f"/metrics: {answer}"
    samples = {}
    for line in answer.body.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE_LINE.match(line)
        assert match, f"not a sample line: {line!r}"
        samples[match.group(1)] = float(match.group(2))
    return samples


def wait_until(condition, what, timeout=5.0):
    """condition()'s value once truthy; polls, since the server updates after the client acts."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not seen within {timeout} s")
        time.sleep(0.02)  # polling the condition, not waiting for time to pass


def metrics_port(server):
    return int(server.wait_for_log(METRICS_LINE).group(1))


def with_metrics(target, *options, **kwargs):
    return Websockify(target, *options, "--metrics-listen", "127.0.0.1:0", **kwargs)


def changes(before, after):
    """Samples whose value moved, as {sample: delta}."""
    return {key: after.get(key, 0) - before.get(key, 0)
            for key in set(before) | set(after) if after.get(key, 0) != before.get(key, 0)}


def failure(reason):
    return f'websockify_handshake_failures_total{{reason="{reason}"}}'


# --- cases ------------------------------------------------------------------------------------

async def one_session_moves_the_counters():
    payload = random_bytes(seed=10, size=3000)
    with EchoTarget() as target, with_metrics(target.port, "-v") as server:
        port = metrics_port(server)
        server.wait_for_log("client sent nothing")  # the harness's readiness probe is done
        before = scrape(port)
        page = http(port, "/metrics").body
        for name in METRIC_NAMES:
            assert f"# HELP {name} " in page and f"# TYPE {name} " in page, f"no {name}:\n{page}"
        async with connect(server) as ws:
            assert await echo(ws, [payload]) == payload
            during = scrape(port)
            assert during["websockify_sessions_active"] == 1, during
        closed = 'websockify_sessions_total{outcome="client_closed",code="1000"}'
        after = wait_until(lambda: (s := scrape(port)).get(closed) and s,
                           "the session's end in websockify_sessions_total")
        moved = changes(before, after)
        bucket_changes = {k: v for k, v in moved.items()
                          if k.startswith("websockify_target_connect_seconds")}
        assert bucket_changes.pop("websockify_target_connect_seconds_count") == 1, moved
        assert bucket_changes.pop('websockify_target_connect_seconds_bucket{le="+Inf"}') == 1
        assert 0 < bucket_changes.pop("websockify_target_connect_seconds_sum") < 5, moved
        assert all(v in (0, 1) for v in bucket_changes.values()), bucket_changes
        plain = {k: v for k, v in moved.items()
                 if not k.startswith("websockify_target_connect_seconds")}
        assert plain == {
            "websockify_connections_total": 1,
            closed: 1,
            'websockify_bytes_total{direction="from_client"}': len(payload),
            'websockify_bytes_total{direction="to_client"}': len(payload),
        }, f"unexpected changes: {plain}"
        assert after["websockify_sessions_active"] == 0, after


def handshake_failures_are_counted_by_reason():
    with EchoTarget() as target, with_metrics(target.port, "-v") as server:
        port = metrics_port(server)
        server.wait_for_log("client sent nothing")
        before = scrape(port)
        with RawClient(server.port) as client:
            client.send(b"GET / HTTP/1.1\r\nBad Header: x\r\n\r\n")
            assert client.read_response().status == 400
        with RawClient(server.port) as client:
            client.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert client.read_response().status == 405
        with RawClient(server.port) as client:
            client.send(upgrade_request(server.port, omit=("Sec-WebSocket-Key",)))
            assert client.read_response().status == 400
        expected = {failure("bad_request"): 1, failure("method_not_allowed"): 1,
                    failure("bad_handshake"): 1, "websockify_connections_total": 3}
        after = wait_until(lambda: (s := scrape(port)) and
                           all(s[k] - before[k] == v for k, v in expected.items()) and s,
                           f"the changes {expected}")
        assert changes(before, after) == expected, changes(before, after)


def health_endpoints_and_errors():
    with EchoTarget() as target, with_metrics(target.port) as server:
        port = metrics_port(server)
        metrics = http(port, "/metrics")
        assert metrics.headers.get("content-type") == \
            "text/plain; version=0.0.4; charset=utf-8", metrics
        healthz = http(port, "/healthz")
        assert (healthz.status, healthz.body) == (200, "ok\n"), healthz
        readyz = http(port, "/readyz")
        assert (readyz.status, readyz.body) == (200, "ok\n"), readyz
        head = http(port, "/metrics", method="HEAD")
        assert head.status == 200 and head.body == "", head
        assert int(head.headers["content-length"]) > 0, head
        assert http(port, "/nothing-here").status == 404
        not_allowed = http(port, "/metrics", method="POST")
        assert not_allowed.status == 405 and not_allowed.headers.get("allow") == "GET, HEAD", \
            not_allowed
        with RawClient(port) as client:
            client.send(b"GARBAGE\r\n\r\n")
            assert client.read_response().status == 400


def public_port_does_not_serve_metrics():
    with EchoTarget() as target, with_metrics(target.port) as server:
        port = metrics_port(server)
        assert port != server.port
        public = http(server.port, "/metrics")
        assert public.status == 405, public
        assert "websockify_" not in public.body, public
        assert "websockify_connections_total" in http(port, "/metrics").body


def wrapped(program, *options):
    return with_metrics(None, *AS_ROOT, *options,
                        positionals=["127.0.0.1:0", "--", *program])


def readyz_follows_the_wrapped_program():
    """Ready while the program runs; 503 once it has exited (--wrap-mode=ignore keeps serving)."""
    with tempfile.TemporaryDirectory() as tmp:
        pid_file = os.path.join(tmp, "pid")
        script = f"echo $$ > {pid_file}.tmp && mv {pid_file}.tmp {pid_file} && exec sleep 300"
        with wrapped(["sh", "-c", script], "--wrap-mode=ignore") as server:
            port = metrics_port(server)
            pid = int(wait_until(lambda: os.path.exists(pid_file) and open(pid_file).read(),
                                 "the program's pid file"))
            assert http(port, "/readyz").status == 200, http(port, "/readyz")
            os.kill(pid, signal.SIGTERM)
            answer = wait_until(lambda: (a := http(port, "/readyz")).status == 503 and a,
                                "/readyz 503 after the program exited")
            assert answer.body == "503 Service Unavailable: the wrapped program is not " \
                                  "running\n", answer
            assert http(port, "/healthz").status == 200
            assert server.running()


def readyz_503_while_respawning():
    with wrapped(["sh", "-c", "exit 3"], "--wrap-mode=respawn") as server:
        port = metrics_port(server)
        server.wait_for_log(r"Restarting in")
        answer = wait_until(lambda: (a := http(port, "/readyz")).status == 503 and a,
                            "/readyz 503 while the program is restarted")
        assert "wrapped program is not running" in answer.body, answer
        assert http(port, "/healthz").status == 200


async def readyz_503_during_shutdown_grace():
    with EchoTarget() as target, with_metrics(target.port, "--shutdown-grace", "30") as server:
        port = metrics_port(server)
        async with connect(server) as ws:
            assert http(port, "/readyz").status == 200
            server.proc.send_signal(signal.SIGTERM)
            server.wait_for_log(r"waiting up to 30000 ms for 1 connection")
            answer = http(port, "/readyz")
            assert answer.status == 503 and "shutting down" in answer.body, answer
            assert http(port, "/healthz").status == 200
            assert scrape(port)["websockify_sessions_active"] == 1
            assert await echo(ws, [b"still relayed"]) == b"still relayed"
        assert server.proc.wait(10) == 0


async def readyz_503_once_run_once_took_its_session():
    with EchoTarget() as target, with_metrics(target.port, "--run-once") as server:
        port = metrics_port(server)
        # The harness's readiness probe connected, but only a WebSocket session counts.
        assert http(port, "/readyz").status == 200
        async with connect(server) as ws:
            assert await echo(ws, [b"the one"]) == b"the one"
            answer = http(port, "/readyz")
            assert answer.status == 503 and "--run-once" in answer.body, answer
            assert http(port, "/healthz").status == 200
        assert server.proc.wait(10) == 0


def bad_address_exits_2():
    for value in ["127.0.0.1:99999", "not-a-port", "::1:9100"]:
        result = run_cli("--metrics-listen", value, "127.0.0.1:0", "127.0.0.1:1")
        assert result.code == 2, f"--metrics-listen {value}: {result}"
        lines = result.stderr_lines()
        assert len(lines) == 1 and "--metrics-listen" in lines[0], result


def busy_port_exits_1():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        result = run_cli("--metrics-listen", f"127.0.0.1:{busy}", "127.0.0.1:0", "127.0.0.1:1")
    assert result.code == 1, result
    lines = result.stderr_lines()
    assert len(lines) == 1 and "--metrics-listen" in lines[0] and "in use" in lines[0], result


if __name__ == "__main__":
    run_cases({case.__name__: case for case in [
        one_session_moves_the_counters, handshake_failures_are_counted_by_reason,
        health_endpoints_and_errors, public_port_does_not_serve_metrics,
        readyz_follows_the_wrapped_program, readyz_503_while_respawning,
        readyz_503_during_shutdown_grace, readyz_503_once_run_once_took_its_session,
        bad_address_exits_2, busy_port_exits_1]})
