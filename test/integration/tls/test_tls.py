"""wss:// and ws:// on one port: TLS found by sniffing the first byte (spec §2)."""

import asyncio
import os
import signal
import ssl
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import websockets  # noqa: E402

from certs import TestPki  # noqa: E402
from harness import (EchoTarget, Websockify, echo, first_difference, random_bytes,  # noqa: E402
                     run_cases, run_cli)

NODE_DIR = os.path.join(os.path.dirname(__file__), "..", "node")


def client_context(pki, with_client_cert=False):
    context = ssl.create_default_context(cafile=pki.path("ca.pem"))
    if with_client_cert:
        context.load_cert_chain(pki.path("client.pem"), pki.path("client.key"))
    return context


async def open_wss(server, context, **options):
    return await websockets.connect(f"wss://localhost:{server.port}/", ssl=context,
                                    open_timeout=5, close_timeout=5, ping_interval=None,
                                    max_size=None, subprotocols=["binary"], **options)


async def echo_round_trip(ws, seed):
    payload = random_bytes(seed=seed, size=1 << 20)
    received = await echo(ws, [payload])
    assert received == payload, first_difference(payload, received)


async def wss_and_ws_on_one_port():
    with TestPki() as pki, EchoTarget() as target, \
            Websockify(target.port, "--cert", pki.path("server.pem"),
                       "--key", pki.path("server.key")) as server:
        ws = await open_wss(server, client_context(pki))
        await echo_round_trip(ws, seed=1)
        await ws.close()
        plain = await websockets.connect(server.url, open_timeout=5, ping_interval=None,
                                         max_size=None, subprotocols=["binary"])
        await echo_round_trip(plain, seed=2)
        await plain.close()
        server.wait_for_log(r"SSL/TLS \(wss://\) WebSocket connection")
        server.wait_for_log(r"Plain non-SSL \(ws://\) WebSocket connection")
        server.wait_for_log(r"^  - SSL/TLS support$")


async def combined_cert_and_key_file():
    # Python websockify's usual setup: one file (default self.pem) holding both.
    with TestPki() as pki, EchoTarget() as target, \
            Websockify(target.port, "--cert", pki.path("combined.pem")) as server:
        ws = await open_wss(server, client_context(pki))
        await echo_round_trip(ws, seed=3)
        await ws.close()


def node_wss_echo():
    script = os.path.join(os.path.dirname(__file__), "wss_echo.mjs")
    if not os.path.isdir(os.path.join(NODE_DIR, "node_modules", "ws")):
        raise AssertionError(f"Node 'ws' missing: run npm ci in {os.path.abspath(NODE_DIR)}")
    with TestPki() as pki, EchoTarget() as target, \
            Websockify(target.port, "--cert", pki.path("server.pem"),
                       "--key", pki.path("server.key")) as server:
        result = subprocess.run(["node", script, f"wss://localhost:{server.port}/",
                                 pki.path("ca.pem")], capture_output=True, text=True,
                                timeout=30, env={**os.environ,
                                                 "NODE_PATH": os.path.join(NODE_DIR, "node_modules")})
        print(result.stdout + result.stderr)
        assert result.returncode == 0, f"node client failed (exit {result.returncode})"


def s_client(port, *args):
    return subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", *args],
                          input="", capture_output=True, text=True, timeout=20)


def protocol_versions():
    with TestPki() as pki, EchoTarget() as target:
        with Websockify(target.port, "--cert", pki.path("combined.pem")) as server:
            tls12 = s_client(server.port, "-tls1_2")
            assert "Protocol  : TLSv1.2" in tls12.stdout, f"TLS 1.2 not negotiated:\n{tls12.stdout}"
            tls13 = s_client(server.port)
            assert "TLSv1.3" in tls13.stdout, f"TLS 1.3 not the default:\n{tls13.stdout}"
            tls11 = s_client(server.port, "-tls1_1")
            assert "Cipher is (NONE)" in tls11.stdout, \
                f"TLS 1.1 must be refused by default (minimum TLS 1.2):\n{tls11.stdout}"
        with Websockify(target.port, "--cert", pki.path("combined.pem"),
                        "--ssl-version", "tlsv1_3") as server:
            refused = s_client(server.port, "-tls1_2")
            assert "Cipher is (NONE)" in refused.stdout, \
                f"--ssl-version tlsv1_3 still accepted TLS 1.2:\n{refused.stdout}"


async def ssl_only_refuses_plain():
    with TestPki() as pki, EchoTarget() as target, \
            Websockify(target.port, "--cert", pki.path("combined.pem"), "--ssl-only") as server:
        try:
            plain = await websockets.connect(server.url, open_timeout=5)
        except (websockets.InvalidHandshake, ConnectionError, EOFError, OSError):
            pass
        else:
            await plain.close()
            raise AssertionError("--ssl-only accepted a plain ws:// connection")
        server.wait_for_log(r"non-SSL connection received but disallowed")
        ws = await open_wss(server, client_context(pki))
        await echo_round_trip(ws, seed=4)
        await ws.close()
        server.wait_for_log(r"^  - Deny non-SSL/TLS connections$")


async def verify_client_certificates():
    with TestPki() as pki, EchoTarget() as target, \
            Websockify(target.port, "--cert", pki.path("combined.pem"), "--verify-client",
                       "--cafile", pki.path("ca.pem")) as server:
        try:
            ws = await open_wss(server, client_context(pki))
            # TLS 1.3 reports a refused client certificate only at the first read.
            await asyncio.wait_for(ws.recv(), 5)
        except (ssl.SSLError, websockets.InvalidHandshake, websockets.ConnectionClosed,
                ConnectionError, EOFError, OSError, asyncio.TimeoutError):
            pass
        else:
            raise AssertionError("a client without a certificate was accepted")
        ws = await open_wss(server, client_context(pki, with_client_cert=True))
        await echo_round_trip(ws, seed=5)
        await ws.close()
        server.wait_for_log(r"TLS handshake failed")



def startup_errors_are_one_line():
    with TestPki() as pki:
        garbage = pki.path("garbage.pem")
        with open(garbage, "w") as f:
            f.write("not a certificate\n")
        cases = {
            "missing": (["--cert", "/nonexistent/cert.pem"], "does not exist"),
            "garbage": (["--cert", garbage], "contains no PEM certificate"),
            "no key": (["--cert", pki.path("server.pem")], "no PEM private key"),
            "wrong key": (["--cert", pki.path("server.pem"), "--key", pki.path("client.key")],
                          "mismatch"),
            "bad ciphers": (["--cert", pki.path("combined.pem"), "--ssl-ciphers", "NOPE"],
                            "--ssl-ciphers"),
            "ssl-only without cert": (["--ssl-only", "--cert", "/nonexistent/self.pem"],
                                      "does not exist"),
        }
        for name, (options, expected) in cases.items():
            result = run_cli(*options, "127.0.0.1:0", "127.0.0.1:9")
            assert result.code not in (0, None), f"{name}: exit code {result.code}, expected failure"
            lines = result.stderr_lines()
            assert len(lines) == 1, f"{name}: expected one stderr line, got {lines}"
            assert expected in lines[0], f"{name}: {lines[0]!r} does not mention {expected!r}"
            print(f"{name}: exit {result.code}: {lines[0]}")


def install(pki, cert_path, key_path):
    """Atomic replacement, as certbot does: readers see the old file or the new one."""
    for source, destination in ((pki.path("server.key"), key_path),
                                (pki.path("server.pem"), cert_path)):
        with open(source, "rb") as src, open(destination + ".tmp", "wb") as dst:
            dst.write(src.read())
        os.replace(destination + ".tmp", destination)


async def expect_untrusted(server, context):
    try:
        ws = await open_wss(server, context)
    except ssl.SSLCertVerificationError:
        return
    await ws.close()
    raise AssertionError("a client trusting only the old CA still accepted the new certificate")


async def certificate_reload_keeps_sessions():
    with TestPki() as old, TestPki() as new, EchoTarget() as target:
        cert, key = old.path("live.pem"), old.path("live.key")
        install(old, cert, key)
        with Websockify(target.port, "--cert", cert, "--key", key) as server:
            session = await open_wss(server, client_context(old))
            await echo_round_trip(session, seed=6)

            # 1. SIGHUP after the files were replaced.
            install(new, cert, key)
            server.proc.send_signal(signal.SIGHUP)
            server.wait_for_log(r"TLS certificate reloaded")
            fresh = await open_wss(server, client_context(new))
            await echo_round_trip(fresh, seed=7)
            await fresh.close()
            await expect_untrusted(server, client_context(old))

            # The session opened before the reload never noticed.
            await echo_round_trip(session, seed=8)

            # 2. A broken certificate is refused and the current one kept.
            with open(cert, "w") as f:
                f.write("broken\n")
            server.proc.send_signal(signal.SIGHUP)
            server.wait_for_log(r"reload failed, keeping the previous one")
            fresh = await open_wss(server, client_context(new))
            await echo_round_trip(fresh, seed=9)
            await fresh.close()

            # 3. No signal: the changed files alone trigger the reload.
            install(old, cert, key)
            server.wait_for_log(r"TLS certificate reloaded .*\(file changed\)", timeout=15)
            fresh = await open_wss(server, client_context(old))
            await echo_round_trip(fresh, seed=10)
            await fresh.close()
            await echo_round_trip(session, seed=11)
            await session.close()


async def encrypted_key_password_sources():
    with TestPki() as pki, EchoTarget() as target:
        encrypted = pki.path("encrypted.key")
        subprocess.run(["openssl", "pkey", "-in", pki.path("server.key"), "-aes256",
                        "-passout", "pass:s3cret", "-out", encrypted], check=True)
        password_file = pki.path("password.txt")
        with open(password_file, "w") as f:
            f.write("s3cret\n")
        base = ["--cert", pki.path("server.pem"), "--key", encrypted]
        # From a file, so that the password never shows in `ps`.
        with Websockify(target.port, *base, "--key-password-file", password_file) as server:
            ws = await open_wss(server, client_context(pki))
            await echo_round_trip(ws, seed=12)
            await ws.close()
        # From the environment.
        os.environ["WEBSOCKIFY_KEY_PASSWORD"] = "s3cret"
        try:
            with Websockify(target.port, *base) as server:
                ws = await open_wss(server, client_context(pki))
                await echo_round_trip(ws, seed=13)
                await ws.close()
        finally:
            del os.environ["WEBSOCKIFY_KEY_PASSWORD"]
        # A wrong one stops startup with one line.
        result = run_cli(*base, "--key-password", "wrong", "127.0.0.1:0", "127.0.0.1:9")
        lines = result.stderr_lines()
        assert result.code not in (0, None) and len(lines) == 1 and "password" in lines[0], \
            f"wrong password: exit {result.code}, stderr {lines}"


def plain_server_drops_tls_clients():
    with EchoTarget() as target, Websockify(target.port) as server:
        result = s_client(server.port)
        assert "BEGIN CERTIFICATE" not in result.stdout
        server.wait_for_log(r"SSL connection but .* not found")


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [
        wss_and_ws_on_one_port, combined_cert_and_key_file, node_wss_echo, protocol_versions,
        ssl_only_refuses_plain, verify_client_certificates, startup_errors_are_one_line,
        plain_server_drops_tls_clients, certificate_reload_keeps_sessions,
        encrypted_key_password_sources]})
