#!/usr/bin/python3
"""Compare websockify (ours) with Python websockify, websockify-js, socat and no proxy at all.

Every contender runs on 127.0.0.1 in front of websockify_bench's own TCP targets (sink, source,
echo), and websockify_bench measures it from the client side: WebSocket (ws://, wss://) for the
three websockify implementations, plain TCP (--raw) for socat and "direct". Each metric runs
three times (repetitions interleaved), each time with a freshly started contender and target.

    bench/run.py                        # everything; ~15 minutes on 2 cores
    bench/run.py --quick                # short durations and small connection counts
    bench/run.py --metrics upload,latency --contenders ours,socat

Writes results/<date>/results.json, results/<date>/results.svg and the contenders' logs, and
prints a table of medians with the ratios the performance issue asks for. Standard library only.
"""

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_WEBSOCKIFY = ROOT / "build" / "release" / "app" / "websockify"
NODE_WEBSOCKIFY = HERE / "node" / "node_modules" / "websockify" / "websockify.js"
STARTUP_TIMEOUT = 15.0

CONTENDERS = ["ours", "python", "js", "socat", "direct"]
CONTENDER_NAMES = {
    "ours": "websockify (C++)",
    "python": "Python websockify",
    "js": "websockify-js",
    "socat": "socat",
    "direct": "direct (no proxy)",
}


class Metric:
    """One measurement: a websockify_bench mode against one kind of target.

    `key` is the JSON field whose median the table shows; `extra` are further fields shown in
    their own rows. `contenders` are those it runs for."""

    def __init__(self, name, mode, target, key, unit, better, title, tls=False, extra=(),
                 contenders=CONTENDERS, chart=None):
        self.name = name
        self.mode = mode
        self.target = target
        self.key = key
        self.unit = unit
        self.better = better
        self.title = title
        self.tls = tls
        self.extra = list(extra)
        self.contenders = list(contenders)
        # Values drawn in the SVG: the key and the extras unless chosen otherwise.
        self.chart = chart if chart is not None else [key, *[k for k, _ in self.extra]]


TLS_CONTENDERS = ["ours", "python", "js", "socat"]
METRICS = [
    Metric("upload", "upload", "sink", "mb_per_s", "MB/s", "higher",
           "Upload, 1 connection, 64 KiB messages"),
    Metric("download", "download", "source", "mb_per_s", "MB/s", "higher",
           "Download, 1 connection"),
    Metric("latency", "latency", "echo", "p50_us", "us", "lower",
           "Echo latency, 64 B, one at a time", extra=[("p99_us", "us"), ("p999_us", "us")],
           chart=["p50_us", "p99_us"]),
    Metric("handshakes", "handshakes", "echo", "cycles_per_s", "cycles/s", "higher",
           "Handshake cycles (connect, 101, echo, close), 8 in flight"),
    Metric("conn5k", "connections", "echo", "msgs_per_s", "msgs/s", "higher",
           "{n} connections echoing",
           extra=[("open_seconds", "s"), ("rss_kib_per_connection", "KiB"),
                  ("pss_kib_per_connection", "KiB")],
           chart=["msgs_per_s", "open_seconds", "pss_kib_per_connection"]),
    Metric("conn10k", "connections", "echo", "msgs_per_s", "msgs/s", "higher",
           "{n} connections held and echoing",
           extra=[("open_seconds", "s"), ("rss_kib_per_connection", "KiB"),
                  ("pss_kib_per_connection", "KiB")],
           contenders=["ours", "js", "direct"],
           chart=["msgs_per_s", "open_seconds", "rss_kib_per_connection"]),
    Metric("upload_tls", "upload", "sink", "mb_per_s", "MB/s", "higher",
           "wss:// upload (TLS 1.3, AES-GCM)", tls=True, contenders=TLS_CONTENDERS),
    Metric("download_tls", "download", "source", "mb_per_s", "MB/s", "higher",
           "wss:// download (TLS 1.3, AES-GCM)", tls=True, contenders=TLS_CONTENDERS),
]
METRIC_BY_NAME = {m.name: m for m in METRICS}
LABELS = {"p50_us": "p50", "p99_us": "p99", "p999_us": "p99.9", "open_seconds": "time to open all",
          "rss_kib_per_connection": "RSS growth per connection",
          "pss_kib_per_connection": "PSS growth per connection (with children)"}


# ---------------------------------------------------------------------------------------------
# Processes


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, timeout=STARTUP_TIMEOUT):
    """Returns once 127.0.0.1:port accepts a connection; RuntimeError if the process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with status {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"not listening on port {port} within {timeout} s")


def raise_fd_limit():
    """Lifts the descriptor limit (children inherit it) and returns it: to 65536 where the
    process may raise its hard limit (root), else the soft limit to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max(hard, 65536)
    for limit in (wanted, hard):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
            return limit
        except (ValueError, OSError):
            continue
    return soft


class Service:
    """A child process (target or contender) with its output in a log file."""

    def __init__(self, name, argv, log_path, env=None):
        self.name = name
        self.argv = [str(a) for a in argv]
        self.log_path = log_path
        self._log = open(log_path, "wb")
        # A new session, so stopping it also reaches the children of forking servers.
        self.process = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=self._log,
                                        stderr=subprocess.STDOUT, env=env,
                                        start_new_session=True)

    @property
    def pid(self):
        return self.process.pid

    def stop(self):
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait()
        else:
            # The leader exited; forked children may still hold the group.
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._log.close()

    def log_text(self):
        try:
            return Path(self.log_path).read_text(errors="replace")
        except OSError:
            return ""


def start_target(bench, kind, log_dir, tag, verify=False, ack_every=None):
    """websockify_bench target --mode KIND on a free port; returns (service, port)."""
    log_path = Path(log_dir) / f"{tag}-target-{kind}.log"
    argv = [bench, "target", "--mode", kind, "--port", "0"]
    if verify:
        argv.append("--verify")
    if ack_every:
        argv += ["--ack-every", str(ack_every)]
    service = Service(f"target-{kind}", argv, log_path)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        match = re.search(r'"port":(\d+)', service.log_text())
        if match:
            return service, int(match.group(1))
        if service.process.poll() is not None:
            break
        time.sleep(0.02)
    service.stop()
    raise RuntimeError(f"target {kind} did not start: {service.log_text()[-500:]}")


class Tools:
    """Where each contender's program is; `missing(name)` says why one cannot run."""

    def __init__(self, args):
        self.websockify = Path(args.websockify)
        self.ours_options = list(args.ours_option or [])
        self.bench = Path(args.bench) if args.bench else self._bench_beside(self.websockify)
        self.python_websockify = args.python_websockify
        self.node = shutil.which(args.node) if args.node else None
        self.socat = shutil.which("socat")

    @staticmethod
    def _bench_beside(websockify):
        # <build>/app/websockify -> <build>/bench/loadgen/websockify_bench
        return websockify.resolve().parent.parent / "bench" / "loadgen" / "websockify_bench"

    def python_command(self):
        if self.python_websockify:
            return self.python_websockify.split()
        if shutil.which("websockify") and _is_python_script(shutil.which("websockify")):
            return [shutil.which("websockify")]
        probe = subprocess.run(["/usr/bin/python3", "-c", "import websockify"],
                               capture_output=True)
        return ["/usr/bin/python3", "-m", "websockify"] if probe.returncode == 0 else None

    def missing(self, contender):
        if contender == "ours" and not os.access(self.websockify, os.X_OK):
            return f"{self.websockify} not built (cmake --build --preset release)"
        if contender == "python" and not self.python_command():
            return "Python websockify not installed (apt-get install websockify)"
        if contender == "js":
            if not self.node:
                return "node not found"
            if not NODE_WEBSOCKIFY.exists():
                return "websockify-js not installed (cd bench/node && npm ci)"
        if contender == "socat" and not self.socat:
            return "socat not installed (apt-get install socat)"
        return None

def _is_python_script(path):
    try:
        with open(path, "rb") as f:
            first = f.readline(200)
    except OSError:
        return False
    return first.startswith(b"#!") and b"python" in first


def make_certs(directory):
    """A throw-away EC certificate for 127.0.0.1: cert.pem, key.pem and both in combined.pem."""
    d = Path(directory)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", str(d / "key.pem"),
                    "-out", str(d / "cert.pem"), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    (d / "combined.pem").write_text((d / "cert.pem").read_text() + (d / "key.pem").read_text())
    return {"cert": d / "cert.pem", "key": d / "key.pem", "combined": d / "combined.pem"}


def contender_argv(tools, contender, port, target_port, certs=None):
    """The command line that makes `contender` listen on `port` and forward to `target_port`,
    with TLS when `certs` (from make_certs) is given."""
    listen = f"127.0.0.1:{port}"
    target = f"127.0.0.1:{target_port}"
    tls = certs is not None
    if contender == "ours":
        argv = [tools.websockify, *tools.ours_options]
        if tls:
            argv += ["--cert", certs["cert"], "--key", certs["key"]]
        return argv + [listen, target]
    if contender == "python":
        argv = tools.python_command()
        if tls:
            argv += ["--cert", certs["cert"], "--key", certs["key"]]
        return argv + [listen, target]
    if contender == "js":
        argv = [tools.node, NODE_WEBSOCKIFY]
        if tls:
            argv += ["--cert", certs["cert"], "--key", certs["key"]]
        return argv + [listen, target]
    if contender == "socat":
        # backlog: socat's default of 5 would make connection tests measure SYN retries.
        options = "bind=127.0.0.1,fork,reuseaddr,backlog=1024"
        if tls:
            return [tools.socat, f"OPENSSL-LISTEN:{port},{options},cert={certs['combined']},"
                    "verify=0", f"TCP:{target}"]
        return [tools.socat, f"TCP-LISTEN:{port},{options}", f"TCP:{target}"]
    raise ValueError(contender)


# ---------------------------------------------------------------------------------------------
# One measurement


def loadgen_argv(tools, metric, contender, port, settings, pid):
    argv = [tools.bench, metric.mode, "--port", str(port),
            "--duration", str(settings["duration"])]
    if contender in ("socat", "direct"):
        argv.append("--raw")
    if metric.tls:
        argv.append("--tls")
    if metric.mode == "latency":
        argv += ["--warmup", str(settings["warmup"])]
    if metric.mode == "handshakes":
        argv += ["--in-flight", str(settings["in_flight"])]
    if metric.mode == "connections":
        argv += [str(settings["connections"][contender]), "--pid", str(pid)]
    argv += ["--timeout", str(loadgen_timeout(metric, settings))]
    return [str(a) for a in argv]


def loadgen_timeout(metric, settings):
    """Seconds websockify_bench may take: opening connections to a forking server is slow."""
    extra = 600 if metric.mode == "connections" else 60
    return int(4 * settings["duration"] + extra)


def measure(tools, metric, contender, settings, log_dir, rep, certs):
    """Starts a target and the contender, runs websockify_bench once; returns its JSON."""
    tag = f"{metric.name}-{contender}-{rep}"
    services = []
    try:
        target, target_port = start_target(tools.bench, metric.target, log_dir, tag)
        services.append(target)
        port, pid = target_port, target.pid
        if contender != "direct":
            port = free_port()
            argv = contender_argv(tools, contender, port, target_port,
                                  certs if metric.tls else None)
            proxy = Service(contender, argv, Path(log_dir) / f"{tag}.log")
            services.append(proxy)
            wait_for_port(port, proxy.process)
            pid = proxy.pid
            # The readiness probe may have forked a child (Python, socat): let it finish.
            time.sleep(0.2)
        argv = loadgen_argv(tools, metric, contender, port, settings, pid)
        limit = loadgen_timeout(metric, settings) + 30
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=limit)
        except subprocess.TimeoutExpired:
            return {"ok": False, "error": f"websockify_bench did not finish in {limit} s"}
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if not lines:
            return {"ok": False, "error": f"no JSON from websockify_bench (status "
                                          f"{done.returncode}): {done.stderr.strip()[-300:]}"}
        result = json.loads(lines[-1])
        if contender != "direct" and services[-1].process.poll() is not None:
            result["ok"] = False
            result.setdefault("error", f"{contender} exited with {services[-1].process.returncode}")
        return result
    except (RuntimeError, OSError, subprocess.CalledProcessError) as e:
        return {"ok": False, "error": str(e)}
    finally:
        for service in reversed(services):
            service.stop()


# ---------------------------------------------------------------------------------------------
# Summaries


def median_of(runs, key):
    values = [r[key] for r in runs if r.get("ok") and isinstance(r.get(key), (int, float))]
    return statistics.median(values) if values else None


def summarise(results, metrics):
    """Medians per metric and contender, over the successful runs."""
    for metric in metrics:
        for contender, entry in results[metric.name].items():
            if entry["status"] == "not run":
                continue
            runs = entry["runs"]
            good = [r for r in runs if r.get("ok")]
            entry["status"] = "ok" if len(good) == len(runs) else (
                "partial" if good else "failed")
            entry["errors"] = sorted({r.get("error", "") for r in runs if not r.get("ok")})
            keys = {metric.key, *[k for k, _ in metric.extra], "p90_us", "mean_us", "opened",
                    "errors", "connections", "busy_rss_kib_per_connection",
                    "established_seconds", "open_rss_kib_per_connection"}
            entry["median"] = {k: median_of(runs, k) for k in sorted(keys)
                               if median_of(runs, k) is not None}


def value(results, metric, contender, key=None):
    entry = results.get(metric, {}).get(contender)
    if not entry or "median" not in entry:
        return None
    return entry["median"].get(key or METRIC_BY_NAME[metric].key)


def ratio(a, b):
    return a / b if a is not None and b not in (None, 0) else None


def compute_ratios(results, settings):
    """The issue's targets, each as measured in this run."""
    rows = []

    def add(name, measured, target, met, note=""):
        rows.append({"name": name, "value": measured, "target": target,
                     "met": None if measured is None else met(measured), "note": note})

    for direction in ("upload", "download"):
        add(f"{direction}: ours / socat", ratio(value(results, direction, "ours"),
                                                value(results, direction, "socat")),
            ">= 1.2", lambda v: v >= 1.2)
        add(f"{direction}: ours / Python", ratio(value(results, direction, "ours"),
                                                 value(results, direction, "python")),
            ">= 4", lambda v: v >= 4)
    for key in ("p50_us", "p99_us"):
        add(f"latency {key[:-3]}: ours / socat",
            ratio(value(results, "latency", "ours", key), value(results, "latency", "socat", key)),
            "<= 1.0", lambda v: v <= 1.0)
    add("handshakes: ours / websockify-js", ratio(value(results, "handshakes", "ours"),
                                                  value(results, "handshakes", "js")),
        ">= 5", lambda v: v >= 5)
    add("handshakes: ours / Python", ratio(value(results, "handshakes", "ours"),
                                           value(results, "handshakes", "python")),
        ">= 300", lambda v: v >= 300)
    n5 = settings["connections_mid"]
    add(f"{n5} connections, msgs/s: ours / websockify-js",
        ratio(value(results, "conn5k", "ours"), value(results, "conn5k", "js")),
        ">= 3", lambda v: v >= 3)
    n10 = settings["connections_many"]
    note = settings.get("connections_note", "")
    add(f"{n10} connections: RSS KiB per idle connection (ours)",
        value(results, "conn10k", "ours", "rss_kib_per_connection"), "<= 10",
        lambda v: v <= 10, note)
    add(f"{n10} connections: seconds to open all (ours)",
        value(results, "conn10k", "ours", "open_seconds"), "< 2", lambda v: v < 2, note)
    for direction in ("upload", "download"):
        add(f"{direction}: wss / ws (ours)", ratio(value(results, f"{direction}_tls", "ours"),
                                                   value(results, direction, "ours")),
            ">= 0.6", lambda v: v >= 0.6)
    return rows


def format_number(v):
    if v is None:
        return "-"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def table_rows(results, metrics, contenders):
    """(label, unit, [cell per contender]) for every shown value."""
    rows = []
    for metric in metrics:
        for key, unit in [(metric.key, metric.unit), *metric.extra]:
            cells = []
            for contender in contenders:
                entry = results[metric.name].get(contender)
                if entry is None:
                    cells.append("")
                elif entry["status"] == "not run":
                    cells.append("not run")
                elif entry["status"] == "failed":
                    cells.append("failed")
                else:
                    text = format_number(entry["median"].get(key))
                    if key == metric.key and metric.mode == "connections":
                        text += f" ({entry['connections']})"
                    if entry["status"] == "partial":
                        text += "*"
                    cells.append(text)
            label = f"{metric.name} {LABELS[key]}" if key in LABELS else metric.name
            rows.append((label, unit, cells))
    return rows


def markdown_table(results, metrics, contenders):
    head = ["metric", "unit", *[CONTENDER_NAMES[c] for c in contenders]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, unit, cells in table_rows(results, metrics, contenders):
        lines.append("| " + " | ".join([label, unit, *cells]) + " |")
    return "\n".join(lines)


def markdown_ratios(rows):
    lines = ["| ratio | measured | target | met |", "|---|---|---|---|"]
    for row in rows:
        met = {True: "yes", False: "**no**", None: "-"}[row["met"]]
        note = f" ({row['note']})" if row["note"] else ""
        lines.append(f"| {row['name']}{note} | {format_number(row['value'])} | {row['target']} "
                     f"| {met} |")
    return "\n".join(lines)


def render_markdown(document):
    """The tables of a results.json document, as Markdown (also `run.py --report FILE`)."""
    metrics = [METRIC_BY_NAME[name] for name in document["metrics"] if name in METRIC_BY_NAME]
    results = {name: entry["contenders"] for name, entry in document["metrics"].items()}
    present = {c for entry in results.values() for c in entry}
    contenders = [c for c in CONTENDERS if c in present]
    settings = document["settings"]
    machine = document["machine"]
    lines = [f"Run {document['date']}: `{document['command']}`", "",
             f"Machine: {machine.get('nproc')} CPUs ({machine.get('cpu')}), kernel "
             f"{machine.get('kernel')}, {machine.get('memory')}; load average at start "
             f"{machine.get('load_average_start')}, at end {machine.get('load_average_end')}.",
             "",
             f"Medians of {settings['repetitions']} runs of {settings['duration']:g} s each. "
             "(N) = connections held by that contender; * = some runs failed.", "",
             markdown_table(results, metrics, contenders), "",
             markdown_ratios(document["ratios"])]
    not_run = sorted({(c, e.get("reason")) for entry in results.values()
                      for c, e in entry.items() if e.get("status") == "not run"})
    for contender, reason in not_run:
        lines += ["", f"Not run: {CONTENDER_NAMES[contender]}: {reason}"]
    errors = [(name, c, error) for name, entry in results.items() for c, e in entry.items()
              for error in e.get("errors", []) if error]
    if errors:
        lines += ["", "Errors:", ""]
        lines += [f"- {name}, {CONTENDER_NAMES[c]}: {error}" for name, c, error in errors]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# SVG


def svg_chart(results, metrics, contenders, title):
    """Horizontal bar charts, one panel per shown value, two panels per row."""
    colours = {"ours": "#1f77b4", "python": "#ff7f0e", "js": "#2ca02c", "socat": "#9467bd",
               "direct": "#7f7f7f"}
    units = {}
    for metric in metrics:
        units.update({metric.key: metric.unit, **dict(metric.extra)})
    panels = []
    for metric in metrics:
        for key in metric.chart:
            bars = []
            for contender in contenders:
                entry = results[metric.name].get(contender)
                v = entry["median"].get(key) if entry and "median" in entry else None
                if v is not None:
                    name = CONTENDER_NAMES[contender]
                    if metric.mode == "connections":
                        name += f" ({entry['connections']})"
                    bars.append((name, contender, v))
            if bars:
                unit = units[key]
                better = "lower" if unit in ("us", "s", "KiB") else metric.better
                label = metric.title if key == metric.key else f"{metric.title}: {LABELS[key]}"
                panels.append((label, f"{unit}, {better} is better", bars))
    width, panel_w, bar_h, gap = 1000, 480, 18, 4
    label_w = 170
    heights = [40 + len(contenders) * (bar_h + gap) for _ in panels]
    rows = (len(panels) + 1) // 2
    row_h = max(heights, default=100) + 20
    height = 50 + rows * row_h
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="10" y="25" font-size="16" font-weight="bold">{_xml(title)}</text>']
    for i, (label, subtitle, bars) in enumerate(panels):
        x0 = 10 + (i % 2) * (panel_w + 20)
        y0 = 45 + (i // 2) * row_h
        out.append(f'<text x="{x0}" y="{y0 + 12}" font-weight="bold">{_xml(label)}</text>')
        out.append(f'<text x="{x0}" y="{y0 + 27}" fill="#555">{_xml(subtitle)}</text>')
        top = max(v for _, _, v in bars) or 1
        for j, (name, contender, v) in enumerate(bars):
            y = y0 + 36 + j * (bar_h + gap)
            w = max(1, (panel_w - label_w - 70) * v / top)
            out.append(f'<text x="{x0}" y="{y + 13}">{_xml(name)}</text>')
            out.append(f'<rect x="{x0 + label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                       f'fill="{colours[contender]}"/>')
            out.append(f'<text x="{x0 + label_w + w + 4:.1f}" y="{y + 13}">'
                       f'{_xml(format_number(v))}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _xml(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------------------------------------
# Machine


def first_line(argv):
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else None


def socat_version(socat):
    try:
        text = subprocess.run([socat, "-V"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"socat version (\S+)", text)
    return match.group(1) if match else None


def machine_description(tools):
    model = None
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    memory = None
    try:
        with open("/proc/meminfo") as f:
            memory = f"{int(f.readline().split()[1]) // 1024} MiB"
    except OSError:
        pass
    js_version = None
    try:
        js_version = json.loads((NODE_WEBSOCKIFY.parent / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        pass
    ws_version = None
    try:
        ws_version = json.loads((HERE / "node" / "node_modules" / "ws" / "package.json")
                                .read_text())["version"]
    except (OSError, ValueError, KeyError):
        pass
    python_command = tools.python_command()
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "kernel": platform.release(),
        "memory": memory,
        "nofile_limit": resource.getrlimit(resource.RLIMIT_NOFILE)[1],
        "ours": first_line([tools.websockify, "--version"]) if tools.missing("ours") is None
        else None,
        "python_websockify": first_line(["dpkg-query", "-W", "-f=${Version}", "websockify"])
        if python_command else None,
        "websockify_js": f"{js_version} (ws {ws_version})" if js_version else None,
        "node": first_line([tools.node, "--version"]) if tools.node else None,
        "socat": socat_version(tools.socat) if tools.socat else None,
        "openssl": first_line(["openssl", "version"]),
    }


# ---------------------------------------------------------------------------------------------
# Main


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--websockify", default=str(DEFAULT_WEBSOCKIFY),
                        help="our websockify binary (default: build/release/app/websockify)")
    parser.add_argument("--ours-option", action="append", metavar="OPTION",
                        help="an option for our websockify, e.g. --ours-option=--threads=1 "
                             "(repeatable)")
    parser.add_argument("--bench", help="websockify_bench (default: next to --websockify's "
                        "build tree, bench/loadgen/websockify_bench)")
    parser.add_argument("--python-websockify", help="command for Python websockify "
                        "(default: the websockify script, else python3 -m websockify)")
    parser.add_argument("--node", default="node", help="node for websockify-js")
    parser.add_argument("--contenders", default=",".join(CONTENDERS),
                        help=f"comma-separated subset of {','.join(CONTENDERS)}")
    parser.add_argument("--metrics", default=",".join(m.name for m in METRICS),
                        help=f"comma-separated subset of {','.join(m.name for m in METRICS)}")
    parser.add_argument("--quick", action="store_true",
                        help="2 s per measurement, 1k/2k connections, forking servers capped lower")
    parser.add_argument("--duration", type=float, help="seconds per measurement (default 5)")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--connections", type=int,
                        help="connections for conn10k (default 10000, or what the descriptor "
                             "limit allows)")
    parser.add_argument("--connections-mid", type=int, help="connections for conn5k (5000)")
    parser.add_argument("--python-cap", type=int,
                        help="most connections for Python websockify, which forks a process "
                             "per connection (default 250; --quick 100)")
    parser.add_argument("--socat-cap", type=int,
                        help="most connections for socat, which forks too (default 1000; "
                             "--quick 200)")
    parser.add_argument("--out", help="results directory (default results/<date-time>)")
    parser.add_argument("--report", metavar="RESULTS_JSON",
                        help="print the Markdown tables of an earlier run and exit")
    return parser.parse_args(argv)


def make_settings(args, fd_limit):
    quick = args.quick
    duration = args.duration or (2.0 if quick else 5.0)
    many = args.connections or (2000 if quick else 10000)
    mid = args.connections_mid or (1000 if quick else 5000)
    caps = {"python": args.python_cap or (100 if quick else 250),
            "socat": args.socat_cap or (200 if quick else 1000)}
    note = ""
    # A proxy holds two descriptors per connection (client and target side).
    fd_cap = (fd_limit - 100) // 2
    if many > fd_cap:
        note = (f"the descriptor limit here (RLIMIT_NOFILE hard = {fd_limit}) allows a proxy "
                f"{fd_cap} connections, not {many}")
        many = fd_cap
    mid = min(mid, fd_cap)
    counts_mid = {c: min(mid, caps.get(c, mid)) for c in CONTENDERS}
    counts_many = {c: min(many, caps.get(c, many)) for c in CONTENDERS}
    return {
        "duration": duration,
        "warmup": 200,
        "in_flight": 8,
        "repetitions": args.repetitions,
        "connections_mid": mid,
        "connections_many": many,
        "connections_note": note,
        "caps": caps,
        "counts": {"conn5k": counts_mid, "conn10k": counts_many},
    }


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    if args.report:
        print(render_markdown(json.loads(Path(args.report).read_text())), end="")
        return 0
    contenders = [c for c in args.contenders.split(",") if c]
    names = [m for m in args.metrics.split(",") if m]
    unknown = [c for c in contenders if c not in CONTENDERS] + \
              [m for m in names if m not in METRIC_BY_NAME]
    if unknown:
        print(f"run.py: unknown contender or metric: {', '.join(unknown)}", file=sys.stderr)
        return 2
    metrics = [METRIC_BY_NAME[n] for n in names]
    fd_limit = raise_fd_limit()
    settings = make_settings(args, fd_limit)
    for metric in METRICS:
        n = {"conn5k": settings["connections_mid"], "conn10k": settings["connections_many"]}
        metric.title = metric.title.format(n=n.get(metric.name, ""))
    tools = Tools(args)
    if not os.access(tools.bench, os.X_OK):
        print(f"run.py: {tools.bench} not found; build it (cmake --build --preset release) or "
              "pass --bench", file=sys.stderr)
        return 2

    started = datetime.datetime.now()
    load_at_start = os.getloadavg()
    out_dir = Path(args.out) if args.out else ROOT / "results" / started.strftime("%Y-%m-%d-%H%M%S")
    log_dir = out_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    cert_dir = tempfile.mkdtemp(prefix="websockify-bench-")
    certs = make_certs(cert_dir)

    results = {m.name: {} for m in metrics}
    plan = []
    for metric in metrics:
        for contender in contenders:
            if contender not in metric.contenders:
                continue
            reason = tools.missing(contender)
            entry = {"status": "not run", "reason": reason} if reason else {"status": "pending",
                                                                             "runs": []}
            if metric.mode == "connections":
                entry["connections"] = settings["counts"][metric.name][contender]
            results[metric.name][contender] = entry
            if not reason:
                plan.append((metric, contender))
    for metric in metrics:
        for contender, entry in results[metric.name].items():
            if entry["status"] == "not run":
                print(f"not run: {contender} ({entry['reason']})", file=sys.stderr)

    total = len(plan) * settings["repetitions"]
    step = 0
    for rep in range(1, settings["repetitions"] + 1):
        for metric, contender in plan:
            step += 1
            run_settings = dict(settings)
            run_settings["connections"] = settings["counts"].get(metric.name, {})
            result = measure(tools, metric, contender, run_settings, log_dir, rep, certs)
            results[metric.name][contender]["runs"].append(result)
            shown = result.get(metric.key)
            status = "" if result.get("ok") else f"  FAILED: {result.get('error', '?')}"
            print(f"[{step}/{total}] {metric.name:<12} {contender:<7} rep {rep}: "
                  f"{format_number(shown if isinstance(shown, (int, float)) else None)} "
                  f"{metric.unit}{status}", file=sys.stderr, flush=True)

    summarise(results, metrics)
    ratios = compute_ratios(results, settings)
    shown_contenders = [c for c in CONTENDERS if c in contenders]
    machine = machine_description(tools)
    # Other work on the machine skews every number; the load averages tell how much there was.
    machine["load_average_start"] = [round(x, 2) for x in load_at_start]
    machine["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    machine["run_seconds"] = round((datetime.datetime.now() - started).total_seconds())
    document = {
        "date": started.isoformat(timespec="seconds"),
        "machine": machine,
        "settings": {k: v for k, v in settings.items() if k != "counts"},
        "connection_counts": settings["counts"],
        "command": " ".join([sys.argv[0], *(argv if argv is not None else sys.argv[1:])]),
        "metrics": {m.name: {"title": m.title, "key": m.key, "unit": m.unit,
                             "contenders": results[m.name]} for m in metrics},
        "ratios": ratios,
    }
    (out_dir / "results.json").write_text(json.dumps(document, indent=2) + "\n")
    title = f"websockify benchmarks, {started:%Y-%m-%d}, {os.cpu_count()} cores, medians of " \
            f"{settings['repetitions']}"
    (out_dir / "results.svg").write_text(svg_chart(results, metrics, shown_contenders, title))
    shutil.rmtree(cert_dir, ignore_errors=True)

    report = render_markdown(document)
    (out_dir / "results.md").write_text(report)
    print("\n" + report)
    print(f"Wrote {out_dir / 'results.json'}, results.md and results.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
