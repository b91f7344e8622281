"""--record FILE (spec §7): each session's file, loaded as JavaScript by Node like noVNC's
playback page, holds exactly the relayed bytes with their directions and times."""

import json
import os
import re
import subprocess
import tempfile
import time
import types

from harness import (OP_BINARY, EchoTarget, RawClient, Websockify, connect, echo, random_bytes,
                     run_cases, run_cli)

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


def with_token(server, token):
    """What connect() needs to reach `server` with ?token=TOKEN (no token plugin is needed:
    the name is taken from the request as the token plugins would take it)."""
    return types.SimpleNamespace(url=f"{server.url}?token={token}")


def opened_files(server):
    return [line.split("opening record file: ")[1] for line in server.stderr.lines()
            if "opening record file: " in line]


async def pattern_names_files_by_token():
    with tempfile.TemporaryDirectory() as tmp, EchoTarget() as target:
        pattern = os.path.join(tmp, "{token}-{time}-{n}.js")
        with Websockify(target.port, "--record", pattern) as server:
            async with connect(with_token(server, "desk1")) as ws:
                await echo(ws, [b"desk one"])
            # A token that tries to climb out of the directory stays a plain file name in it.
            async with connect(with_token(server, "..%2F..%2Fescape")) as ws:
                await echo(ws, [b"escape attempt"])
            server.wait_until_log(lambda lines: len(opened_files(server)) == 2, 5,
                                  "two recordings opened")
            desk, escape = opened_files(server)
            wait_for_footer(desk)
            wait_for_footer(escape)
        names = sorted(os.listdir(tmp))
        assert os.path.dirname(desk) == tmp and os.path.dirname(escape) == tmp, names
        desk_name, escape_name = os.path.basename(desk), os.path.basename(escape)
        assert re.fullmatch(r"desk1-\d{8}T\d{6}Z-\d+\.js", desk_name), desk_name
        assert escape_name.startswith("_._.._escape-"), escape_name
        assert names == sorted([desk_name, escape_name]), f"unexpected files: {names}"
        assert not os.path.exists(os.path.join(os.path.dirname(tmp), "escape")), "left the dir"
        assert joined(read_recording(desk), "}") == b"desk one"
        assert joined(read_recording(escape), "}") == b"escape attempt"


async def pattern_never_overwrites():
    with tempfile.TemporaryDirectory() as tmp, EchoTarget() as target:
        earlier = os.path.join(tmp, "desk1.js")
        with open(earlier, "w") as f:
            f.write("an earlier recording")
        with Websockify(target.port, "--record", os.path.join(tmp, "{token}.js")) as server:
            for message in (b"second", b"third"):
                async with connect(with_token(server, "desk1")) as ws:
                    await echo(ws, [message])
            server.wait_until_log(lambda lines: len(opened_files(server)) == 2, 5,
                                  "two recordings opened")
            second, third = opened_files(server)
            wait_for_footer(second)
            wait_for_footer(third)
        assert [os.path.basename(second), os.path.basename(third)] == ["desk1-2.js", "desk1-3.js"]
        with open(earlier) as f:
            assert f.read() == "an earlier recording", "the earlier recording was overwritten"
        assert joined(read_recording(second), "}") == b"second"
        assert joined(read_recording(third), "}") == b"third"


def parts_of(first):
    """A rotated recording's files in order: NAME, NAME.part2, NAME.part3, ..."""
    parts = [first]
    while os.path.exists(f"{first}.part{len(parts) + 1}"):
        parts.append(f"{first}.part{len(parts) + 1}")
    return parts


async def max_size_rotates_into_parts():
    payload = random_bytes(6, 40_000)  # random bytes: about 3 bytes on disk per byte sent
    cap = 8192
    with tempfile.TemporaryDirectory() as tmp, EchoTarget() as target:
        prefix = os.path.join(tmp, "rot")
        with Websockify(target.port, "--record", prefix, "--record-max-size", "8K",
                        "--record-rotate") as server:
            async with connect(server) as ws:
                chunks = [payload[i:i + 1000] for i in range(0, len(payload), 1000)]
                assert await echo(ws, chunks) == payload
            first = server.wait_for_log(r"opening record file: (.*rot\.\d+)$").group(1)
            server.wait_for_log(r"session closed")
            server.wait_for_log(r"reached --record-max-size; it goes on in .*\.part2")
        # Stopping websockify joined the writer thread: every part is finished.
        parts = parts_of(first)
        assert len(parts) >= 10, f"expected at least 10 parts of {cap} bytes, got {parts}"
        frames = []
        for part in parts:
            size = os.path.getsize(part)
            assert size <= cap, f"{part} holds {size} bytes, over --record-max-size {cap}"
            frames += read_recording(part)
        assert joined(frames, "}") == payload, "client->target bytes lost across the parts"
        assert joined(frames, "{") == payload, "target->client bytes lost across the parts"
        times = [f["ms"] for f in frames]
        assert times == sorted(times), "times restart in a later part"
        print(f"{len(parts)} parts of at most {cap} bytes")


async def max_size_ends_recording_not_session():
    payload = random_bytes(7, 40_000)
    with tempfile.TemporaryDirectory() as tmp, EchoTarget() as target:
        prefix = os.path.join(tmp, "cap")
        with Websockify(target.port, "--record", prefix, "--record-max-size", "8K") as server:
            async with connect(server) as ws:
                chunks = [payload[i:i + 1000] for i in range(0, len(payload), 1000)]
                assert await echo(ws, chunks) == payload, "the session suffered from the cap"
            path = server.wait_for_log(r"opening record file: (.*cap\.\d+)$").group(1)
            server.wait_for_log(r"reached --record-max-size \(8192 bytes\): the rest of the "
                                r"session is not recorded")
            wait_for_footer(path)
        assert os.path.getsize(path) <= 8192
        assert parts_of(path) == [path], "no parts without --record-rotate"
        sent = joined(read_recording(path), "}")
        assert len(sent) > 1000 and payload.startswith(sent), "not a prefix of what was sent"


def bad_record_options():
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            (["--record", os.path.join(tmp, "{user}.js")], 2, "unknown placeholder {user}"),
            (["--record", os.path.join(tmp, "{token}", "x")], 2, "only appear in the file name"),
            (["--record", os.path.join(tmp, "r"), "--record-rotate"], 2,
             "--record-rotate needs --record-max-size"),
            (["--record-max-size", "1M"], 2, "need --record"),
            (["--record", os.path.join(tmp, "r"), "--record-max-size", "lots"], 2,
             "--record-max-size"),
            (["--record", os.path.join(tmp, "absent", "r")], 1,
             f"--record directory '{tmp}/absent' does not exist"),
        ]
        for options, code, message in cases:
            result = run_cli(*options, "127.0.0.1:0", "127.0.0.1:9")
            assert result.code == code, f"{options}: {result}"
            lines = result.stderr_lines()
            assert len(lines) == 1 and message in lines[0], f"{options}: {result}"


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [
        every_byte_both_ways, cut_off_session_still_valid, pattern_names_files_by_token,
        pattern_never_overwrites, max_size_rotates_into_parts, max_size_ends_recording_not_session,
        bad_record_options]})
