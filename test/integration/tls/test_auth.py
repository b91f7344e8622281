"""Auth plugins (spec §4): BasicHTTPAuth, ExpectOrigin, ClientCertCNAuth and --web-auth, with
the exact statuses and headers a client sees, and the spoofed-header case Python got wrong.
"""

import asyncio
import base64
import os
import ssl
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import websockets  # noqa: E402

from certs import TestPki  # noqa: E402
from harness import (EchoTarget, RawClient, Websockify, echo, run_cases, run_cli,  # noqa: E402
                     upgrade_request)


def response_to(server, path="/", replace=None, extra=(), upgrade=True):
    with RawClient(server.port) as client:
        if upgrade:
            client.send(upgrade_request(server.port, path=path, replace=replace, extra=extra))
        else:
            lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{server.port}", *extra]
            client.send(("\r\n".join(lines) + "\r\n\r\n").encode())
        return client.read_response()


def basic(credentials):
    return "Authorization: Basic " + base64.b64encode(credentials.encode()).decode()


def basic_http_auth_statuses():
    with EchoTarget() as target, \
            Websockify(target.port, "--auth-plugin", "BasicHTTPAuth", "--auth-source",
                       "alice:pw:with:colons") as server:
        missing = response_to(server)
        assert missing.status == 401, str(missing)
        assert missing.headers.get("www-authenticate") == 'Basic realm="Websockify"', str(missing)
        wrong = response_to(server, extra=[basic("alice:nope")])
        assert wrong.status == 401 and "www-authenticate" in wrong.headers, str(wrong)
        malformed = response_to(server, extra=["Authorization: Basic %%%"])
        assert malformed.status == 403, str(malformed)
        not_basic = response_to(server, extra=["Authorization: Bearer x"])
        assert not_basic.status == 403, str(not_basic)
        good = response_to(server, extra=[basic("alice:pw:with:colons")])
        assert good.status == 101, str(good)
        server.wait_for_log(r"authentication refused \(401\)")


async def expect_origin_statuses():
    with EchoTarget() as target, \
            Websockify(target.port, "--auth-plugin", "ExpectOrigin", "--auth-source",
                       "https://good.example http://also.example") as server:
        bad = response_to(server, extra=["Origin: https://evil.example"])
        assert bad.status == 403 and b"Invalid Origin" in bad.body, str(bad)
        assert response_to(server).status == 403, "a request without Origin must be refused"
        ws = await websockets.connect(server.url, origin="https://good.example", open_timeout=5,
                                      close_timeout=5, ping_interval=None)
        assert await echo(ws, [b"allowed origin"]) == b"allowed origin"
        await ws.close()


async def client_cert_cn_auth():
    with TestPki() as pki, EchoTarget() as target:
        options = ["--cert", pki.path("combined.pem"), "--verify-client", "--cafile",
                   pki.path("ca.pem"), "--auth-plugin", "ClientCertCNAuth"]
        context = ssl.create_default_context(cafile=pki.path("ca.pem"))
        context.load_cert_chain(pki.path("client.pem"), pki.path("client.key"))
        # The test client's certificate says CN=test-client; sources list CNs separated by spaces.
        with Websockify(target.port, *options, "--auth-source", "ops test-client") as server:
            ws = await websockets.connect(f"wss://localhost:{server.port}/", ssl=context,
                                          open_timeout=5, close_timeout=5, ping_interval=None)
            assert await echo(ws, [b"verified CN"]) == b"verified CN"
            await ws.close()
        with Websockify(target.port, *options, "--auth-source", "admin") as server:
            try:
                await websockets.connect(f"wss://localhost:{server.port}/", ssl=context,
                                         open_timeout=5, extra_headers={
                                             "ssl_client_s_dn_cn": "admin",
                                             "SSL_CLIENT_S_DN_CN": "admin"})
            except websockets.InvalidStatusCode as exc:
                assert exc.status_code == 403, f"status {exc.status_code}"
            else:
                raise AssertionError("a CN outside the list was accepted (spoofed header?)")
            server.wait_for_log(r"authentication refused \(403\): client certificate not allowed")


def client_cert_cn_auth_needs_verify_client():
    result = run_cli("--auth-plugin", "ClientCertCNAuth", "--auth-source", "x", "8080",
                     "127.0.0.1:9")
    assert result.code == 2 and "needs --verify-client" in result.stderr, str(result)


def web_auth_protects_files():
    with tempfile.TemporaryDirectory() as web, EchoTarget() as target:
        with open(os.path.join(web, "index.html"), "w") as f:
            f.write("<p>secret page</p>")
        with Websockify(target.port, "--web", web, "--web-auth", "--auth-plugin",
                        "BasicHTTPAuth", "--auth-source", "u:p") as server:
            refused = response_to(server, upgrade=False)
            assert refused.status == 401, str(refused)
            assert b"secret page" not in refused.body
            allowed = response_to(server, upgrade=False, extra=[basic("u:p")])
            assert allowed.status == 200 and b"secret page" in allowed.body, str(allowed)
        # Without --web-auth the files stay public while upgrades need credentials.
        with Websockify(target.port, "--web", web, "--auth-plugin", "BasicHTTPAuth",
                        "--auth-source", "u:p") as server:
            assert response_to(server, upgrade=False).status == 200
            assert response_to(server).status == 401


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [
        basic_http_auth_statuses, expect_origin_statuses, client_cert_cn_auth,
        client_cert_cn_auth_needs_verify_client, web_auth_protects_files]})
