#!/usr/bin/python3
"""ctest bench.smoke: the benchmark tools are correct (not fast).

Runs every websockify_bench mode for a fraction of a second against the built-in targets
directly (--raw) and through our websockify over ws:// and wss://, and checks that each run
printed one well-formed JSON object saying ok, that echoes matched, that the sink and the
source saw an intact byte stream, and that the client refuses a wrong Sec-WebSocket-Accept.

    bench/smoke.py --websockify build/dev/app/websockify --bench build/dev/bench/loadgen/websockify_bench
"""

import argparse
import base64
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402  (bench/run.py: targets, processes, certificates)

SHORT = "0.3"
ACK_EVERY = 4096
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print(f"FAIL: {what}", flush=True)
    return condition


def loadgen(tool, mode, *args):
    """Runs one client mode; returns its JSON object (or {} after noting a failure)."""
    argv = [str(tool), mode, *map(str, args)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    lines = done.stdout.splitlines()
    label = " ".join(argv[1:])
    if not check(len(lines) == 1, f"{label}: one line of output, got {done.stdout!r} "
                                  f"{done.stderr!r}"):
        return {}
    try:
        result = json.loads(lines[0])
    except ValueError:
        check(False, f"{label}: output is not JSON: {lines[0]!r}")
        return {}
    check(isinstance(result, dict), f"{label}: output is a JSON object")
    check((done.returncode == 0) == (result.get("ok") is True),
          f"{label}: exit status {done.returncode} agrees with ok={result.get('ok')}")
    print(f"{label}: {lines[0]}", flush=True)
    return result


def exercise(tool, label, ports, pid, extra):
    """All five modes through one path (direct or a proxy); `extra` adds --raw / --tls."""
    r = loadgen(tool, "upload", "--port", ports["sink"], "-d", SHORT, "--ack-every", ACK_EVERY,
                *extra)
    check(r.get("ok") and r["bytes"] > 0 and r["bytes"] % ACK_EVERY == 0
          and r["bytes_sent"] >= r["bytes"], f"{label} upload: acknowledged bytes {r}")
    r = loadgen(tool, "download", "--port", ports["source"], "-d", SHORT, "--verify", *extra)
    check(r.get("ok") and r["bytes"] > 0 and r["verified"], f"{label} download verified {r}")
    r = loadgen(tool, "latency", "--port", ports["echo"], "--count", 200, "--warmup", 10, *extra)
    check(r.get("ok") and r["round_trips"] == 200 and 0 < r["p50_us"] <= r["p99_us"],
          f"{label} latency: 200 echoes matched {r}")
    r = loadgen(tool, "handshakes", "--port", ports["echo"], "-d", SHORT, "-k", 4, *extra)
    check(r.get("ok") and r["errors"] == 0 and r["cycles"] > 0,
          f"{label} handshakes without errors {r}")
    r = loadgen(tool, "connections", 20, "--port", ports["echo"], "-d", SHORT, "--pid", pid,
                "--settle", 0.05, *extra)
    check(r.get("ok") and r["opened"] == 20 and r["messages"] > 0 and r["errors"] == 0
          and r["idle_rss_kib"] > 0, f"{label} 20 connections echoed {r}")
    if "--tls" in extra:
        check(r.get("tls", "").startswith("TLSv1.3"), f"{label}: TLS 1.3 negotiated {r}")


def refuses_bad_accept_key(tool):
    """A server answering 101 with a wrong Sec-WebSocket-Accept must be refused."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def serve():
        conn, _ = listener.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(4096)
            wrong = base64.b64encode(b"x" * 20).decode()
            conn.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                          f"Connection: Upgrade\r\nSec-WebSocket-Accept: {wrong}\r\n\r\n")
                         .encode())
            time.sleep(0.2)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    r = loadgen(tool, "latency", "--port", port, "--count", 1)
    check(r.get("ok") is False and "Sec-WebSocket-Accept" in r.get("error", ""),
          f"a wrong accept key is refused {r}")
    thread.join(timeout=5)
    listener.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--websockify", required=True)
    parser.add_argument("--bench", required=True)
    args = parser.parse_args()
    tool = Path(args.bench)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-smoke-") as work:
        services = {}
        try:
            ports = {}
            for kind in ("sink", "source", "echo"):
                verify = kind == "sink"
                services[kind], ports[kind] = bench.start_target(
                    tool, kind, work, "smoke", verify=verify,
                    ack_every=ACK_EVERY if verify else None)
            exercise(tool, "direct", ports, services["echo"].pid, ["--raw"])
            tools = argparse.Namespace(websockify=Path(args.websockify), ours_options=[])
            certs = bench.make_certs(work)
            proxied = {}
            for kind in ("sink", "source", "echo"):
                port = bench.free_port()
                argv = bench.contender_argv(tools, "ours", port, ports[kind], certs)
                services[f"ours-{kind}"] = bench.Service(f"ours-{kind}", argv,
                                                         Path(work) / f"ours-{kind}.log")
                bench.wait_for_port(port, services[f"ours-{kind}"].process)
                proxied[kind] = port
            pid = services["ours-echo"].pid
            exercise(tool, "websockify ws://", proxied, pid, [])
            exercise(tool, "websockify wss://", proxied, pid, ["--tls"])
            refuses_bad_accept_key(tool)
        finally:
            for name in [n for n in services if n.startswith("ours-")]:
                services[name].stop()
            for kind in ("sink", "source", "echo"):
                if kind in services:
                    services[kind].process.terminate()
                    services[kind].process.wait(timeout=5)
                    text = services[kind].log_text()
                    services[kind].stop()
                    totals = json.loads(text.strip().splitlines()[-1])
                    check(totals.get("pattern_errors") == 0 and totals.get("connections", 0) > 0,
                          f"target {kind} totals {totals}")
                    if kind == "sink":
                        check(totals["bytes_in"] > 0, f"the sink received bytes {totals}")
    seconds = time.monotonic() - started
    if failures:
        print(f"bench smoke: {len(failures)} check(s) failed ({seconds:.1f} s)", flush=True)
        return 1
    print(f"bench smoke: all checks passed ({seconds:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
