#!/usr/bin/python3
"""The static web server of `websockify --web DIR`, checked from the outside with curl.

Usage: test_web.py CASE     run one case (ctest registers each as integration.web.CASE)
       test_web.py --list   print the case names
       test_web.py          run every case

The binary comes from $WEBSOCKIFY_BIN. It is started as
`$WEBSOCKIFY_BIN --web <tmpdir>/www 127.0.0.1:0 127.0.0.1:1` (the target is never used by web
requests) and is ready once it prints `  - Listen on 127.0.0.1:PORT`. Without $WEBSOCKIFY_BIN,
Python websockify (/usr/bin/websockify) runs on a free port instead: that checks this script
against the original, whose statuses differ where the spec is stricter (405, 206, traversal).

Standard library only; every request goes through curl (with --path-as-is, so that "..", "//"
and percent-escapes reach the server as typed), except a raw NUL byte, which curl cannot send.
"""

import contextlib
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from harness import (BIN, LISTEN_LINE, free_port, is_python_reference,  # noqa: E402
                     random_bytes)

CURL = os.environ.get("CURL") or shutil.which("curl") or "/usr/bin/curl"
STARTUP_TIMEOUT = 10.0
REQUEST_TIMEOUT = 30
SECRET = b"TOP-SECRET-MARKER"
PASSWD = b"root:x:0:0"
MIB = 1 << 20


class CaseFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CaseFailed(message)


def check_equal(got, expected, what):
    if got != expected:
        raise CaseFailed(f"{what}: expected {expected!r}, got {got!r}")


# ---- the tree served ------------------------------------------------------------------------

TYPES = {
    "page.html": "text/html; charset=utf-8",
    "old.htm": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "module.mjs": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
    "data.json": "application/json",
    "logo.svg": "image/svg+xml",
    "image.png": "image/png",
    "photo.jpg": "image/jpeg",
    "photo.jpeg": "image/jpeg",
    "anim.gif": "image/gif",
    "favicon.ico": "image/vnd.microsoft.icon",
    "notes.txt": "text/plain; charset=utf-8",
    "code.wasm": "application/wasm",
    "feed.xml": "text/xml; charset=utf-8",
    "manual.pdf": "application/pdf",
    "font.woff": "font/woff",
    "font.woff2": "font/woff2",
    "app.js.map": "application/json",
    "UPPER.PNG": "image/png",
    "unknown.xyz": "application/octet-stream",
    "Makefile": "application/octet-stream",
}

LISTED_NAMES = ["a&b.txt", "<script>.txt", "space name.txt", "Zeta.txt", "alpha.txt"]


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def make_tree(base):
    """base/www is the web root; base/secret.txt and base/www-private/ lie outside it."""
    www = os.path.join(base, "www")
    write(os.path.join(www, "hello.txt"), b"Hello, world\n")
    write(os.path.join(www, "data.bin"), random_bytes(1, 300 * 1024))
    write(os.path.join(www, "app", "index.html"), b"<!DOCTYPE html><p>app</p>\n")
    for name in LISTED_NAMES:
        write(os.path.join(www, "files", name), name.encode())
    os.makedirs(os.path.join(www, "files", "sub"))
    for name in TYPES:
        write(os.path.join(www, "types", name), b"x")
    write(os.path.join(base, "secret.txt"), SECRET + b"\n")
    write(os.path.join(base, "www-private", "secret.txt"), SECRET + b"\n")
    os.symlink("/etc", os.path.join(www, "link-etc"))
    os.symlink("/etc/passwd", os.path.join(www, "link-passwd"))
    os.symlink("../secret.txt", os.path.join(www, "link-secret"))
    os.symlink("../www-private", os.path.join(www, "link-private"))
    os.symlink("hello.txt", os.path.join(www, "link-inside"))
    return www


# ---- the server under test ------------------------------------------------------------------

class WebServer:
    """The binary serving `root`, from start until the readiness line, to stop."""

    def __init__(self, root, extra_args=()):
        self.root = root
        self.extra_args = list(extra_args)
        self.port = None
        self.proc = None
        self._lines = []
        self._changed = threading.Condition()
        self._eof = False

    def __enter__(self):
        listen = "127.0.0.1:" + (str(free_port()) if is_python_reference() else "0")
        cmd = [BIN, "--web", self.root, *self.extra_args, listen, "127.0.0.1:1"]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        threading.Thread(target=self._drain, daemon=True).start()
        self.port = self._wait_for_port(cmd)
        self._wait_for_accept()
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return False

    def _drain(self):
        for raw in self.proc.stdout:
            with self._changed:
                self._lines.append(raw.decode(errors="replace").rstrip("\r\n"))
                self._changed.notify_all()
        with self._changed:
            self._eof = True
            self._changed.notify_all()

    def output(self):
        with self._changed:
            return "\n".join(self._lines)

    def _wait_for_port(self, cmd):
        deadline = time.monotonic() + STARTUP_TIMEOUT
        seen = 0
        with self._changed:
            while True:
                for line in self._lines[seen:]:
                    match = LISTEN_LINE.search(line)
                    if match:
                        return int(match.group(2))
                seen = len(self._lines)
                remaining = deadline - time.monotonic()
                if self._eof or remaining <= 0:
                    why = "exited" if self._eof else "printed no listen line"
                    raise CaseFailed(f"{' '.join(cmd)} {why}; output:\n" + "\n".join(self._lines))
                self._changed.wait(remaining)

    def _wait_for_accept(self):
        # The line is printed after bind; one accepted connection proves the loop runs.
        # Python websockify prints it before listen(), so it may need a few tries.
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise CaseFailed(f"nothing accepts on port {self.port}")
                time.sleep(0.05)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def check_alive(self):
        check(self.proc.poll() is None,
              f"server exited with {self.proc.returncode}; output:\n{self.output()}")


# ---- clients ---------------------------------------------------------------------------------

class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # [(name, value)] in order
        self.body = body

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def count(self, name):
        return sum(1 for key, _ in self.headers if key.lower() == name.lower())

    def __repr__(self):
        return f"<{self.status} {self.headers} {len(self.body)} bytes>"


def parse_head(text):
    """Status and headers of the last response head in `text` (curl -D output, or raw bytes)."""
    blocks = [b for b in re.split(r"\r?\n\r?\n", text) if b.strip()]
    check(blocks, f"no response head in {text!r}")
    lines = blocks[-1].splitlines()
    match = re.match(r"HTTP/1\.[01] (\d{3})", lines[0])
    check(match, f"bad status line {lines[0]!r}")
    headers = []
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers.append((name.strip(), value.strip()))
    return int(match.group(1)), headers


def curl(server, path, method=None, headers=(), head=False, target=None):
    """One request through curl; the response with its body as bytes."""
    with tempfile.TemporaryDirectory(prefix="websockify-web-curl-") as tmp:
        body_file = os.path.join(tmp, "body")
        head_file = os.path.join(tmp, "head")
        cmd = [CURL, "--silent", "--show-error", "--path-as-is", "--http1.1",
               "--max-time", str(REQUEST_TIMEOUT), "--output", body_file,
               "--dump-header", head_file, "--write-out", "%{http_code}"]
        if head:
            cmd.append("--head")
        if method:
            cmd += ["--request", method]
        for h in headers:
            cmd += ["--header", h]
        if target is not None:
            cmd += ["--request-target", target]
        cmd.append(server.url(path))
        done = subprocess.run(cmd, capture_output=True, timeout=REQUEST_TIMEOUT + 10)
        check(done.returncode == 0,
              f"curl {path!r} failed ({done.returncode}): {done.stderr.decode(errors='replace')}")
        with open(head_file, encoding="latin-1") as f:
            status, response_headers = parse_head(f.read())
        body = b""
        if not head and os.path.exists(body_file):
            with open(body_file, "rb") as f:
                body = f.read()
        check_equal(status, int(done.stdout), "curl's status")
        return Response(status, response_headers, body)


def raw_exchange(server, request):
    """Sends raw bytes and reads until the server closes (it always says Connection: close)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=REQUEST_TIMEOUT) as s:
        s.sendall(request)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    data = b"".join(chunks)
    end = data.find(b"\r\n\r\n")
    check(end >= 0, f"no complete response head: {data[:200]!r}")
    status, headers = parse_head(data[:end + 4].decode("latin-1"))
    return Response(status, headers, data[end + 4:])


def check_connection_close(response, what):
    value = response.header("Connection")
    check(value is not None and value.lower() == "close",
          f"{what}: expected 'Connection: close', got {value!r}")


def check_no_leak(response, what):
    check(SECRET not in response.body, f"{what}: the secret outside the root was served")
    check(PASSWD not in response.body, f"{what}: /etc/passwd was served")


# ---- cases -----------------------------------------------------------------------------------

def case_get_file(server, www):
    r = curl(server, "/hello.txt")
    check_equal(r.status, 200, "status")
    check_equal(r.body, b"Hello, world\n", "body")
    check_equal(r.header("Content-Type"), "text/plain; charset=utf-8", "Content-Type")
    check_equal(r.header("Content-Length"), "13", "Content-Length")
    check(r.header("Last-Modified") is not None, "no Last-Modified")
    check(re.fullmatch(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT",
                       r.header("Last-Modified")), f"not IMF-fixdate: {r.header('Last-Modified')}")
    check_connection_close(r, "GET")


def case_get_binary_exact(server, www):
    expected = random_bytes(1, 300 * 1024)
    r = curl(server, "/data.bin")
    check_equal(r.status, 200, "status")
    check_equal(r.header("Content-Type"), "application/octet-stream", "Content-Type")
    check_equal(r.header("Content-Length"), str(len(expected)), "Content-Length")
    check(r.body == expected, f"body differs: {len(r.body)} bytes, sha256 "
                              f"{hashlib.sha256(r.body).hexdigest()}")


def case_head(server, www):
    get = curl(server, "/data.bin")
    r = curl(server, "/data.bin", head=True)
    check_equal(r.status, 200, "status")
    for name in ("Content-Type", "Content-Length", "Last-Modified"):
        check_equal(r.header(name), get.header(name), name)
    check_connection_close(r, "HEAD")
    # curl --head never reads a body, so ask on a raw socket that nothing follows the head.
    raw = raw_exchange(server, b"HEAD /data.bin HTTP/1.1\r\nHost: test\r\n\r\n")
    check_equal(raw.status, 200, "raw HEAD status")
    check_equal(raw.header("Content-Length"), str(300 * 1024), "raw HEAD Content-Length")
    check_equal(raw.body, b"", "bytes after the HEAD response head")


def case_index(server, www):
    r = curl(server, "/app/")
    check_equal(r.status, 200, "status")
    check_equal(r.body, b"<!DOCTYPE html><p>app</p>\n", "body")
    check_equal(r.header("Content-Type"), "text/html; charset=utf-8", "Content-Type")


def case_redirect(server, www):
    r = curl(server, "/app?x=1&y=two")
    check_equal(r.status, 301, "status")
    check_equal(r.header("Location"), "/app/?x=1&y=two", "Location")
    check_connection_close(r, "301")
    plain = curl(server, "/files")
    check_equal(plain.status, 301, "status without query")
    check_equal(plain.header("Location"), "/files/", "Location without query")
    # "//app" must not turn into "//app/", which a browser would take for the host "app".
    double = curl(server, "//app")
    check_equal(double.status, 301, "status of //app")
    check_equal(double.header("Location"), "/app/", "Location of //app")


def case_listing(server, www):
    r = curl(server, "/files/")
    check_equal(r.status, 200, "status")
    check_equal(r.header("Content-Type"), "text/html; charset=utf-8", "Content-Type")
    check_connection_close(r, "listing")
    page = r.body.decode()
    check("Directory listing for /files/" in page, "no title")
    check("<script>" not in page, "an unescaped name reached the page")
    for link, shown in [("a%26b.txt", "a&amp;b.txt"), ("%3Cscript%3E.txt", "&lt;script&gt;.txt"),
                        ("space%20name.txt", "space name.txt"), ("sub/", "sub/")]:
        check(f'<a href="{link}">{shown}</a>' in page, f"no entry {shown!r} in:\n{page}")
    order = [page.find(f">{n}<") for n in ["a&amp;b.txt", "alpha.txt", "space name.txt",
                                           "Zeta.txt"]]
    check(order == sorted(order) and -1 not in order, f"not sorted case-insensitively: {order}")


def case_file_only(server, www):
    with WebServer(www, ["--file-only"]) as only:
        check_equal(curl(only, "/files/").status, 404, "listing under --file-only")
        check_equal(curl(only, "/").status, 404, "root listing under --file-only")
        check_equal(curl(only, "/app/").status, 200, "index under --file-only")
        check_equal(curl(only, "/hello.txt").status, 200, "file under --file-only")
        only.check_alive()


def case_not_found(server, www):
    r = curl(server, "/missing.txt")
    check_equal(r.status, 404, "status")
    check_connection_close(r, "404")
    check_equal(curl(server, "/hello.txt/").status, 404, "file with a trailing slash")


def case_method_not_allowed(server, www):
    for method in ("POST", "PUT", "DELETE", "OPTIONS", "PATCH"):
        r = curl(server, "/hello.txt", method=method)
        check_equal(r.status, 405, f"{method} status")
        check_equal(r.header("Allow"), "GET, HEAD", f"{method} Allow")
        check_connection_close(r, method)


def case_not_modified(server, www):
    first = curl(server, "/hello.txt")
    last_modified = first.header("Last-Modified")
    check(last_modified, "no Last-Modified")
    r = curl(server, "/hello.txt", headers=[f"If-Modified-Since: {last_modified}"])
    check_equal(r.status, 304, "status")
    check_equal(r.body, b"", "body")
    check_connection_close(r, "304")
    old = curl(server, "/hello.txt", headers=["If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT"])
    check_equal(old.status, 200, "status for an old date")
    junk = curl(server, "/hello.txt", headers=["If-Modified-Since: not a date"])
    check_equal(junk.status, 200, "status for an unparsable date")


def case_range(server, www):
    data = random_bytes(1, 300 * 1024)
    size = len(data)
    for spec, first, last in [("bytes=0-99", 0, 99), ("bytes=1000-", 1000, size - 1),
                              ("bytes=-500", size - 500, size - 1),
                              ("bytes=100-999999999", 100, size - 1)]:
        r = curl(server, "/data.bin", headers=[f"Range: {spec}"])
        check_equal(r.status, 206, f"{spec} status")
        check_equal(r.header("Content-Range"), f"bytes {first}-{last}/{size}",
                    f"{spec} Content-Range")
        check_equal(r.header("Content-Length"), str(last - first + 1), f"{spec} Content-Length")
        check(r.body == data[first:last + 1], f"{spec}: wrong bytes")
    for spec in ("bytes=0-1,5-6", "bytes=9-1", "bytes=abc", "lines=0-1"):
        r = curl(server, "/data.bin", headers=[f"Range: {spec}"])
        check_equal(r.status, 200, f"{spec} status (header ignored)")
        check(r.body == data, f"{spec}: not the whole file")
    r = curl(server, "/data.bin", headers=[f"Range: bytes={size}-"])
    check_equal(r.status, 416, "unsatisfiable status")
    check_equal(r.header("Content-Range"), f"bytes */{size}", "unsatisfiable Content-Range")
    check_connection_close(r, "416")


def case_mime_types(server, www):
    for name, expected in TYPES.items():
        r = curl(server, f"/types/{name}")
        check_equal(r.status, 200, f"{name} status")
        check_equal(r.header("Content-Type"), expected, f"{name} Content-Type")


def case_query_ignored(server, www):
    for path in ("/hello.txt?x=1", "/hello.txt?", "/hello.txt?../../etc/passwd",
                 "/%68ello.txt", "/./hello.txt", "/link-inside"):
        r = curl(server, path)
        check_equal(r.status, 200, f"{path} status")
        check_equal(r.body, b"Hello, world\n", f"{path} body")


def case_large_file(server, www):
    size = 48 * MIB
    data = random_bytes(7, size)
    write(os.path.join(www, "large.bin"), data)
    r = curl(server, "/large.bin")
    check_equal(r.status, 200, "status")
    check_equal(r.header("Content-Length"), str(size), "Content-Length")
    check_equal(len(r.body), size, "body length")
    check(hashlib.sha256(r.body).digest() == hashlib.sha256(data).digest(), "body differs")


# (request-target, expected status). 403: refused by its spelling; 404: resolved, but outside
# the root or absent (the same answer, so that nothing outside can be probed).
TRAVERSAL = [
    ("/../etc/passwd", 403),
    ("/../../../../../../etc/passwd", 403),
    ("/%2e%2e/etc/passwd", 403),
    ("/%2E%2E%2Fetc%2Fpasswd", 403),
    ("/a/../../etc/passwd", 403),
    ("/..%2fetc/passwd", 403),
    ("/..%2Fsecret.txt", 403),
    ("/%2e%2e%5cetc", 403),
    ("/..\\etc", 403),
    ("/..\\secret.txt", 403),
    ("/%00", 403),
    ("/hello.txt%00.html", 403),
    ("/.%2e/", 403),
    ("/%2e./secret.txt", 403),
    ("/./../etc", 403),
    ("/..", 403),
    ("/app/../../secret.txt", 403),
    ("/app/%2e%2e/%2e%2e/secret.txt", 403),
    ("/../www-private/secret.txt", 403),
    ("//etc/passwd", 404),
    ("/link-etc/passwd", 404),
    ("/link-etc/", 404),
    ("/link-passwd", 404),
    ("/link-secret", 404),
    ("/link-private/secret.txt", 404),
    ("/%252e%252e/secret.txt", 404),
    ("/%c0%ae%c0%ae/secret.txt", 404),
    ("/..;/secret.txt", 404),
]

# Absolute-form request-targets (RFC 9112 §3.2.2), sent with curl --request-target.
TRAVERSAL_ABSOLUTE = [
    ("http://x/../", 403),
    ("http://x/../etc/passwd", 403),
    ("https://x/%2e%2e/secret.txt", 403),
]


def case_traversal(server, www):
    failures = []

    def expect(what, request, status):
        try:
            r = request()
            check_no_leak(r, what)
            check_equal(r.status, status, f"{what} status")
        except CaseFailed as e:
            failures.append(str(e))

    for path, status in TRAVERSAL:
        expect(path, lambda p=path: curl(server, p), status)
    for target, status in TRAVERSAL_ABSOLUTE:
        expect(target, lambda t=target: curl(server, "/", target=t), status)
    # curl cannot put a raw NUL into a request line; the request parser may refuse it first.
    try:
        raw = raw_exchange(server, b"GET /hello.txt\x00.html HTTP/1.1\r\nHost: test\r\n\r\n")
        check_no_leak(raw, "raw NUL")
        check(raw.status in (400, 403), f"raw NUL: expected 400 or 403, got {raw.status}")
    except CaseFailed as e:
        failures.append(str(e))
    check(not failures, f"{len(failures)} traversal attempts not refused as expected:\n  " +
          "\n  ".join(failures))


CASES = {name[len("case_"):]: fn for name, fn in sorted(globals().items())
         if name.startswith("case_")}


def run_case(name):
    with tempfile.TemporaryDirectory(prefix="websockify-web-") as base:
        www = make_tree(base)
        with WebServer(www) as server:
            try:
                CASES[name](server, www)
                server.check_alive()
            except BaseException:
                sys.stderr.write(f"--- server output ---\n{server.output()}\n")
                raise


def main(argv):
    if argv[1:] == ["--list"]:
        print("\n".join(CASES))
        return 0
    names = argv[1:] or list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        print(f"unknown case(s): {', '.join(unknown)}; known: {', '.join(CASES)}",
              file=sys.stderr)
        return 2
    failed = 0
    for name in names:
        started = time.monotonic()
        try:
            run_case(name)
            print(f"PASS {name} ({time.monotonic() - started:.1f} s)")
        except CaseFailed as e:
            failed += 1
            print(f"FAIL {name}: {e}")
        except Exception:  # a bug in the case itself: show where
            failed += 1
            print(f"ERROR {name}:\n{traceback.format_exc()}")
    return 1 if failed else 0


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main(sys.argv))
