"""Flash socket policy requests are answered on the WebSocket port (spec §2)."""

import socket

from harness import EchoTarget, Websockify, run_cases

REQUEST = b"<policy-file-request/>\0"
ANSWER = (b'<cross-domain-policy><allow-access-from domain="*" to-ports="*" />'
          b"</cross-domain-policy>\0")


def read_until_closed(sock):
    received = bytearray()
    while chunk := sock.recv(4096):
        received.extend(chunk)
    return bytes(received)


def policy_answered_byte_exact():
    with EchoTarget() as target, Websockify(target.port) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(REQUEST)
            answer = read_until_closed(sock)
        assert answer == ANSWER, f"got {answer!r}, expected {ANSWER!r}"
        server.wait_for_log(r"Sending flash policy response")


def other_angle_bracket_input_is_dropped():
    with EchoTarget() as target, Websockify(target.port) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(b"<not-a-policy-request/>\0")
            answer = read_until_closed(sock)
        assert answer == b"", f"expected the connection closed without an answer, got {answer!r}"
        server.wait_for_log(r"neither TLS, HTTP nor a Flash policy request")


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [policy_answered_byte_exact,
                                       other_angle_bracket_input_is_dropped]})
