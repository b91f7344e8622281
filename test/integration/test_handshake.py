"""Malformed opening handshakes get an HTTP error status with a reason in the body."""

from harness import EchoTarget, RawClient, Websockify, run_cases, upgrade_request


def refused(request_for_port, expected_status):
    """Sends the request built by request_for_port(port); returns the checked response."""
    with EchoTarget() as target, Websockify(target.port) as server:
        with RawClient(server.port) as client:
            client.send(request_for_port(server.port))
            response = client.read_response()
    print(f"response: {response}")
    assert response.status == expected_status, f"expected HTTP {expected_status}, got {response.status} {response.reason}"
    assert response.body.strip(), f"HTTP {response.status} came with an empty body (no reason)"
    return response


def missing_key_400():
    refused(lambda port: upgrade_request(port, omit=["Sec-WebSocket-Key"]), 400)


def bad_version_426():
    response = refused(lambda port: upgrade_request(
        port, replace={"Sec-WebSocket-Version": "99"}), 426)
    offered = response.headers.get("sec-websocket-version")
    assert offered == "13", f"426 must carry Sec-WebSocket-Version: 13, got {offered!r}"


def post_405():
    refused(lambda port: upgrade_request(port, method="POST"), 405)


def oversized_head_431():
    # 40 headers of 500 bytes: about 20 KiB, over the 16 KiB limit, each line short enough
    # that only the total size is wrong.
    padding = [f"X-Padding-{i}: {'p' * 480}" for i in range(40)]
    refused(lambda port: upgrade_request(port, extra=padding), 431)


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [missing_key_400, bad_version_426, post_405,
                                       oversized_head_431]})
