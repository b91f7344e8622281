"""--ssl-target: TLS towards the target, with SNI and certificate verification."""

import os
import ssl
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import websockets  # noqa: E402

from certs import TestPki  # noqa: E402
from harness import (Websockify, echo, expect_close, first_difference,  # noqa: E402
                     random_bytes, run_cases)
from targets import CHUNK, TcpTarget  # noqa: E402


class TlsEchoTarget(TcpTarget):
    """An echo server speaking TLS with the test PKI's localhost certificate; records SNI."""

    def __init__(self, pki):
        super().__init__()
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(pki.path("server.pem"), pki.path("server.key"))
        self.server_names = []
        self.context.sni_callback = lambda _sock, name, _ctx: self.server_names.append(name)

    def handle(self, conn):
        try:
            tls = self.context.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            return  # a client that refused our certificate
        while data := tls.recv(CHUNK):
            tls.sendall(data)


async def relay_one_mib(server, seed):
    async with websockets.connect(server.url, open_timeout=5, ping_interval=None,
                                  max_size=None, subprotocols=["binary"]) as ws:
        payload = random_bytes(seed=seed, size=1 << 20)
        received = await echo(ws, [payload])
        assert received == payload, first_difference(payload, received)


async def verified_with_custom_ca():
    with TestPki() as pki, TlsEchoTarget(pki) as target, \
            Websockify(f"localhost:{target.port}", "--ssl-target",
                       "--ssl-target-cafile", pki.path("ca.pem")) as server:
        await relay_one_mib(server, seed=20)
        assert target.server_names == ["localhost"], f"SNI seen by the target: {target.server_names}"


async def untrusted_target_refused():
    # The test CA is not among the system's: verification must fail, the client gets 1011.
    with TestPki() as pki, TlsEchoTarget(pki) as target, \
            Websockify(f"localhost:{target.port}", "--ssl-target") as server:
        async with websockets.connect(server.url, open_timeout=5, ping_interval=None) as ws:
            code, reason = await expect_close(ws)
        assert code == 1011, f"got close {code} {reason!r}, expected 1011"
        server.wait_for_log(r"Failed to connect to localhost:\d+ \(TLS\)")


async def ip_address_target_verified():
    with TestPki() as pki, TlsEchoTarget(pki) as target, \
            Websockify(f"127.0.0.1:{target.port}", "--ssl-target",
                       "--ssl-target-cafile", pki.path("ca.pem")) as server:
        await relay_one_mib(server, seed=21)
        assert target.server_names == [None], "no SNI may be sent for an IP address"


async def verification_can_be_turned_off():
    with TestPki() as pki, TlsEchoTarget(pki) as target, \
            Websockify(f"localhost:{target.port}", "--ssl-target",
                       "--ssl-target-no-verify") as server:
        await relay_one_mib(server, seed=22)


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [verified_with_custom_ca, untrusted_target_refused,
                                       ip_address_target_verified,
                                       verification_can_be_turned_off]})
