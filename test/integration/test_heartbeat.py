"""--heartbeat (pings, and dead-peer detection) and --session-idle-timeout, seen from a raw
client that decides itself whether to answer pings."""

import socket
import time

from harness import (OP_BINARY, OP_CLOSE, OP_PING, OP_PONG, EchoTarget, RawClient, Websockify,
                     parse_close, run_cases)


def next_frame(client, timeout):
    client.sock.settimeout(timeout)
    try:
        return client.read_frame()
    except socket.timeout:
        return None


def answering_client_stays_and_silent_one_is_closed():
    interval = 0.3
    with EchoTarget() as target, \
            Websockify(target.port, "--heartbeat", str(interval), "--heartbeat-misses", "2") \
            as server, RawClient(server.port) as client:
        client.upgrade()
        pings, started = 0, time.monotonic()
        # Answer every ping for five intervals: the session must stay open.
        while time.monotonic() - started < 5 * interval:
            frame = next_frame(client, 2)
            assert frame is not None, "no ping within 2 s"
            _, opcode, payload = frame
            assert opcode == OP_PING, f"expected a ping, got opcode {opcode}"
            pings += 1
            client.send_frame(OP_PONG, payload)
        assert pings >= 3, f"only {pings} pings in {5 * interval} s"
        client.send_frame(OP_BINARY, b"still alive")
        while True:  # the echo arrives between pings
            _, opcode, payload = next_frame(client, 2)
            if opcode == OP_BINARY:
                assert payload == b"still alive"
                break
        # Now go silent: after about two intervals the server must give up on us.
        silent_since = time.monotonic()
        while True:
            frame = next_frame(client, 5)
            assert frame is not None, "the silent client was never closed"
            _, opcode, payload = frame
            if opcode == OP_CLOSE:
                break
        waited = time.monotonic() - silent_since
        code, reason = parse_close(payload)
        assert (code, reason) == (1001, "No answer to pings"), f"close {code} {reason!r}"
        assert 1.5 * interval <= waited <= 3 * 2 * interval + 1, f"closed after {waited:.2f} s"
        server.wait_for_log(r"session closed: server closed, code 1001")
        print(f"{pings} pings answered; silent client closed after {waited:.2f} s")


def idle_session_closed_busy_one_kept():
    limit = 0.6
    with EchoTarget() as target, \
            Websockify(target.port, "--session-idle-timeout", str(limit)) as server, \
            RawClient(server.port) as client:
        client.upgrade()
        started = time.monotonic()
        while time.monotonic() - started < 3 * limit:  # data every limit/3: never idle
            client.send_frame(OP_BINARY, b"tick")
            _, opcode, payload = next_frame(client, 2)
            assert (opcode, payload) == (OP_BINARY, b"tick"), f"got {opcode} {payload!r}"
            time.sleep(limit / 3)  # the pause is the behaviour under test, not a sync
        idle_since = time.monotonic()
        frame = next_frame(client, 5)
        assert frame is not None and frame[1] == OP_CLOSE, f"expected a close, got {frame}"
        waited = time.monotonic() - idle_since
        code, reason = parse_close(frame[2])
        assert (code, reason) == (1001, "Session idle timeout"), f"close {code} {reason!r}"
        assert 0.5 * limit <= waited <= limit + 1, f"closed after {waited:.2f} s"


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [answering_client_stays_and_silent_one_is_closed,
                                       idle_session_closed_busy_one_kept]})
