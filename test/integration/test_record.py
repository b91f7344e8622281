"""--record FILE (spec §7): each session's file, loaded as JavaScript by Node like noVNC's
playback page, holds exactly the relayed bytes with their directions and times."""

import json
import os
import subprocess
import tempfile
import time

from harness import OP_BINARY, EchoTarget, RawClient, Websockify, connect, echo, run_cases

NODE_DIR = os.path.join(os.path.dirname(__file__), "node")


def wait_for_footer(path, timeout=10.0):
    """The writer thread finishes the file asynchronously: poll for its last line."""
    deadline = time.monotonic() + timeout
    while True:
        if os.path.exists(path):
            with open(path, "rb") as f:
                if f.read().endswith(b"'EOF'];\n"):
                    return
        assert time.monotonic() < deadline, f"{path} was not finished with 'EOF'];"
        time.sleep(0.05)  # polling the file's state, not waiting for time to pass


def read_recording(path):
    result = subprocess.run(["node", os.path.join(NODE_DIR, "read_recording.mjs"), path],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, f"the recording is not loadable: {result.stderr}"
    return json.loads(result.stdout)


def joined(frames, direction):
    return b"".join(bytes.fromhex(f["hex"]) for f in frames if f["direction"] == direction)


async def every_byte_both_ways():
    payload = bytes(range(256)) * 8 + b"quote ' backslash \\ newline \n"
    with tempfile.TemporaryDirectory() as tmp, EchoTarget() as target:
        prefix = os.path.join(tmp, "session")
        with Websockify(target.port, "--record", prefix) as server:
            async with connect(server) as ws:
                assert await echo(ws, [payload[:1000], payload[1000:]]) == payload
            # n counts accepted connections; the harness's readiness probe was one of them.
            path = server.wait_for_log(r"opening record file: (.*session\.\d+)$").group(1)
            wait_for_footer(path)
        frames = read_recording(path)
        assert joined(frames, "}") == payload, "client->target bytes differ in the recording"
        assert joined(frames, "{") == payload, "target->client bytes differ in the recording"
        times = [f["ms"] for f in frames]
        assert times == sorted(times), f"timestamps go backwards: {times}"
        print(f"{len(frames)} entries, {os.path.getsize(path)} bytes on disk")


async def cut_off_session_still_valid():
    with tempfile.TemporaryDirectory() as tmp, EchoTarget() as target:
        prefix = os.path.join(tmp, "cut")
        with Websockify(target.port, "--record", prefix) as server:
            async with connect(server) as ws:  # a session that closes normally
                await echo(ws, [b"first"])
            with RawClient(server.port) as client:  # one whose client vanishes mid-session
                client.upgrade()
                client.send_frame(OP_BINARY, b"\x00\xffhalf")
                assert client.read_frame()[2] == b"\x00\xffhalf"
            server.wait_for_log(r"session closed: client closed, code 1006")
            paths = [m for m in server.stderr.lines() if "opening record file" in m]
            first, second = (line.split("opening record file: ")[1] for line in paths)
            wait_for_footer(first)
            wait_for_footer(second)
        assert joined(read_recording(first), "}") == b"first"
        frames = read_recording(second)
        assert joined(frames, "}") == b"\x00\xffhalf", frames
        assert joined(frames, "{") == b"\x00\xffhalf", frames


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [every_byte_both_ways, cut_off_session_still_valid]})
