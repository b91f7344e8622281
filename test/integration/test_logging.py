"""Log lines that Python websockify users grep for, and the JSON log's session summary."""

import json

from harness import EchoTarget, Websockify, connect, echo, random_bytes, run_cases


async def connection_log_lines():
    with EchoTarget() as target, Websockify(target.port) as server:
        async with connect(server) as ws:
            assert await echo(ws, [b"hello"]) == b"hello"
        server.wait_for_log(r"127\.0\.0\.1: Plain non-SSL \(ws://\) WebSocket connection")
        server.wait_for_log(rf"connecting to: 127\.0\.0\.1:{target.port}\b")


def parse_json_lines(lines):
    events = []
    for number, line in enumerate(lines, 1):
        try:
            event = json.loads(line)
        except ValueError:
            raise AssertionError(f"stderr line {number} is not JSON: {line!r}") from None
        assert isinstance(event, dict), f"stderr line {number} is not a JSON object: {line!r}"
        events.append(event)
    return events


def proxied_session_summaries(lines):
    """'session closed' events of sessions that reached the target: the readiness probe's
    connection (never upgraded) may have a session of its own."""
    events = [json.loads(line) for line in lines if line.startswith("{")]
    proxied = {e.get("session") for e in events if "connecting to" in str(e.get("msg", e))}
    return [e for e in events if e.get("event") == "session closed" and e.get("session") in proxied]


async def json_session_closed():
    messages = [random_bytes(seed=40 + i, size=size) for i, size in enumerate([1, 1000, 70_000])]
    sent = sum(map(len, messages))
    with EchoTarget() as target, Websockify(target.port, "--log-format", "json") as server:
        async with connect(server) as ws:
            client_port = ws.local_address[1]
            assert await echo(ws, messages) == b"".join(messages), "echo mismatch"
        server.wait_until_log(proxied_session_summaries, 5,
                              "'session closed' event for a session with 'connecting to'")
        lines = server.stderr.lines()
    events = parse_json_lines(lines)
    summaries = proxied_session_summaries(lines)
    assert len(summaries) == 1, f"expected one 'session closed' event, got {summaries}"
    summary = summaries[0]
    print(f"session closed event: {summary}")
    missing = [f for f in ["session", "client", "target", "bytes_from_client", "bytes_to_client",
                           "duration_ms", "close_code", "closed_by"] if f not in summary]
    assert not missing, f"'session closed' lacks {missing}: {summary}"
    # The per-connection lines Python users know must belong to the same session.
    connection_events = [e for e in events if "WebSocket connection" in json.dumps(e)
                         or "connecting to" in json.dumps(e)]
    assert len(connection_events) >= 2, f"no per-connection log events in {events}"
    strays = [e for e in connection_events if e.get("session") != summary["session"]]
    assert not strays, f"events without session {summary['session']!r}: {strays}"
    expected = {"target": f"127.0.0.1:{target.port}", "bytes_from_client": sent,
                "bytes_to_client": sent, "close_code": 1000, "closed_by": "client"}
    wrong = {k: summary[k] for k, v in expected.items() if summary[k] != v}
    assert not wrong, f"'session closed' has {wrong}, expected { {k: expected[k] for k in wrong} }"
    assert "127.0.0.1" in str(summary["client"]), f"client is {summary['client']!r}"
    assert summary.get("client_port") == client_port, \
        f"client_port is {summary.get('client_port')!r}, the client used {client_port}"
    assert isinstance(summary["duration_ms"], (int, float)) and summary["duration_ms"] >= 0, \
        f"duration_ms is {summary['duration_ms']!r}"


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [connection_log_lines, json_session_closed]})
