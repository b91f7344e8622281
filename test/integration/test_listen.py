"""Where websockify listens: a bare port means dual stack on [::] (spec §1, Improve)."""

import socket

import websockets

from harness import EchoTarget, Websockify, echo, run_cases


def ipv6_loopback_available():
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


async def echo_via(host, port):
    async with websockets.connect(f"ws://{host}:{port}/", open_timeout=5, ping_interval=None,
                                  subprotocols=["binary"]) as ws:
        payload = f"hello over {host}".encode()
        assert await echo(ws, [payload]) == payload


async def bare_port_listens_dual_stack():
    if not ipv6_loopback_available():
        print("SKIP: no IPv6 loopback on this host")
        return
    with EchoTarget() as target, Websockify(target.port, listen_host="") as server:
        await echo_via("127.0.0.1", server.port)
        await echo_via("[::1]", server.port)
        # IPv4 clients arrive as ::ffff:a.b.c.d and are logged as plain IPv4.
        server.wait_for_log(r"^127\.0\.0\.1 - - .*Plain non-SSL")
        server.wait_for_log(r"^::1 - - .*Plain non-SSL")


async def ipv6_literal_listen_address():
    if not ipv6_loopback_available():
        print("SKIP: no IPv6 loopback on this host")
        return
    with EchoTarget() as target, Websockify(target.port, listen_host="[::1]") as server:
        await echo_via("[::1]", server.port)


async def ipv6_literal_target():
    if not ipv6_loopback_available():
        print("SKIP: no IPv6 loopback on this host")
        return
    with EchoTarget(host="::1") as target, Websockify(f"[::1]:{target.port}") as server:
        await echo_via("127.0.0.1", server.port)
        server.wait_for_log(r"connecting to: \[::1\]:")


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [bare_port_listens_dual_stack, ipv6_literal_listen_address,
                                       ipv6_literal_target]})
