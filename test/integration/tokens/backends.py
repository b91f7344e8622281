"""The token stores behind the network-backed plugins, run by the tests on loopback:
a token HTTP API (Python's http.server), a real redis-server, and JWTs made with the openssl
command line. Nothing here knows websockify.
"""

import base64
import http.server
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse

READY_TIMEOUT = 10.0


# --- token HTTP API --------------------------------------------------------------------------

class TokenApi:
    """GET /plain/TOKEN answers `host:port`, GET /json/TOKEN `{"host": ..., "port": ...}`;
    unknown tokens get 404. `delays` maps tokens to seconds to wait before answering.
    Every request path is kept, raw, in `paths`."""

    def __init__(self, targets, delays=None):
        self.targets = dict(targets)
        self.delays = dict(delays or {})
        self.paths = []
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                api.paths.append(self.path)
                kind, _, raw_token = self.path.lstrip("/").partition("/")
                token = urllib.parse.unquote(raw_token)
                time.sleep(api.delays.get(token, 0))
                if token not in api.targets:
                    self.answer(404, b"no such token")
                    return
                host, port = api.targets[token]
                if kind == "json":
                    self.answer(200, json.dumps({"host": host, "port": port}).encode())
                else:
                    self.answer(200, f"{host}:{port}".encode())

            def answer(self, status, body):
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # websockify gave up on a slow answer: expected in the timeout case

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True  # a sleeping handler must not hold up the test's end
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="token-api",
                                        daemon=True)

    def url(self, kind):
        return f"http://127.0.0.1:{self.port}/{kind}/%s"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()


# --- Redis -----------------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisError(Exception):
    pass


def redis_command(port, *args, password=None, db=None, timeout=2.0):
    """One RESP command on a fresh connection (AUTH first when `password`, SELECT when `db`);
    the decoded reply. Enough RESP for the tests: simple strings, errors, integers, bulk
    strings."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        reader = sock.makefile("rb")
        commands = (([("AUTH", password)] if password else []) +
                    ([("SELECT", db)] if db is not None else []) + [args])
        for command in commands:
            parts = [a if isinstance(a, bytes) else str(a).encode() for a in command]
            sock.sendall(b"*%d\r\n" % len(parts) +
                         b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts))
            reply = read_reply(reader)
        return reply


def read_reply(reader):
    line = reader.readline()
    if not line:
        raise RedisError("connection closed")
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        raise RedisError(rest.decode())
    if kind == b":":
        return int(rest)
    if kind == b"$":
        size = int(rest)
        if size < 0:
            return None
        data = reader.read(size + 2)
        return data[:-2]
    raise RedisError(f"unexpected reply {line!r}")


class RedisServer:
    """A real redis-server on 127.0.0.1 with nothing persisted; start() waits until PING is
    answered, stop() until the process is gone, and start() again reuses the same port."""

    def __init__(self, workdir, password=None):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise AssertionError("redis-server not found (Debian package redis-server; "
                                 "scripts/install-deps.sh test installs it)")
        self.workdir = workdir
        self.password = password
        self.port = free_port()
        self.proc = None

    def start(self):
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no", "--dir", self.workdir,
                   "--daemonize", "no", "--logfile", os.path.join(self.workdir, "redis.log")]
        if self.password:
            command += ["--requirepass", self.password]
        self.proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + READY_TIMEOUT
        last = None
        while True:
            try:
                if self.command("PING") == "PONG":
                    return self
            except (OSError, RedisError) as exc:
                last = exc
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                log = open(os.path.join(self.workdir, "redis.log")).read()[-2000:]
                raise AssertionError(f"redis-server on port {self.port} not ready: {last}\n{log}")
            time.sleep(0.02)  # polling readiness (PING), not waiting for time to pass

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def command(self, *args, db=None):
        return redis_command(self.port, *args, password=self.password, db=db)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# --- JWT with the openssl command line ------------------------------------------------------

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def openssl(*args, stdin=None):
    result = subprocess.run(["openssl", *args], input=stdin, capture_output=True, timeout=30)
    if result.returncode != 0:
        raise AssertionError(f"openssl {' '.join(args)} failed: {result.stderr.decode()}")
    return result.stdout


def der_ecdsa_to_raw(der):
    """RFC 7518 §3.4: a JWS carries r||s (32 bytes each), openssl writes DER
    SEQUENCE { INTEGER r, INTEGER s } (RFC 3279)."""
    def read_length(data, offset):
        first = data[offset]
        if first < 0x80:
            return first, offset + 1
        count = first & 0x7F
        return int.from_bytes(data[offset + 1:offset + 1 + count], "big"), offset + 1 + count

    assert der[0] == 0x30, "not a DER SEQUENCE"
    _, offset = read_length(der, 1)
    numbers = []
    for _ in range(2):
        assert der[offset] == 0x02, "not a DER INTEGER"
        size, offset = read_length(der, offset + 1)
        numbers.append(int.from_bytes(der[offset:offset + size], "big"))
        offset += size
    return b"".join(n.to_bytes(32, "big") for n in numbers)


class JwtKeys:
    """An HS256 secret, an RSA and a P-256 key pair, made in `workdir` by openssl; `key_file`
    is what --token-source gets for each algorithm."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.secret = os.urandom(32)
        self.key_file = {"HS256": self._path("hs256.key")}
        # Python websockify (jwcrypto) reads a symmetric key file as a JWK "k": base64url.
        with open(self.key_file["HS256"], "w") as f:
            f.write(b64url(self.secret) + "\n")
        self.private = {"RS256": self._path("rs256.pem"), "ES256": self._path("es256.pem")}
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                "-out", self.private["RS256"])
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-out", self.private["ES256"])
        for alg in ("RS256", "ES256"):
            self.key_file[alg] = self._path(alg.lower() + ".pub")
            openssl("pkey", "-in", self.private[alg], "-pubout", "-out", self.key_file[alg])

    def _path(self, name):
        return os.path.join(self.workdir, name)

    def sign(self, alg, claims, header=None, secret=None):
        header = header or {"alg": alg, "typ": "JWT"}
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(claims).encode())).encode()
        if alg == "HS256":
            key = (secret or self.secret).hex()
            signature = openssl("dgst", "-sha256", "-mac", "HMAC", "-macopt", f"hexkey:{key}",
                                "-binary", stdin=signing_input)
        elif alg == "none":
            signature = b""
        else:
            signature = openssl("dgst", "-sha256", "-sign", self.private[alg], "-binary",
                                stdin=signing_input)
            if alg == "ES256":
                signature = der_ecdsa_to_raw(signature)
        return signing_input.decode() + "." + b64url(signature)
