"""Privilege drop (issue #9): --user/--group after binding and reading the certificates, and no
wrapped program as root by accident. Cases that need root exit 77 (ctest: skipped) otherwise."""

import os
import pwd
import ssl
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "tls"))

import websockets  # noqa: E402

from certs import TestPki  # noqa: E402
from harness import (EchoTarget, Websockify, echo, free_port, random_bytes,  # noqa: E402
                     run_cases, run_cli)

SKIPPED = 77
NOBODY = pwd.getpwnam("nobody")

# Binds the port it is given (rebind.so moves that bind to loopback) and tells each client
# which user and group it runs as.
WHO_AM_I_PROGRAM = r"""
import os, socket, sys
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", int(sys.argv[1])))
listener.listen()
while True:
    client, _ = listener.accept()
    client.sendall(f"uid={os.getuid()} gid={os.getgid()} groups={os.getgroups()}\n".encode())
    client.close()
"""


def require_root():
    if os.geteuid() != 0:
        print("SKIP: dropping privileges needs websockify started as root")
        sys.exit(SKIPPED)


def ids_of(pid):
    """(real, effective, saved, filesystem) uids and gids from /proc/PID/status."""
    ids = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("Uid", "Gid", "Groups"):
                ids[key] = [int(v) for v in value.split()]
    return ids


async def runs_as_user_after_reading_a_root_only_key():
    require_root()
    with TestPki() as pki, EchoTarget() as target:
        os.chmod(pki.dir, 0o700)  # nobody could not even reach the key after the drop
        os.chmod(pki.path("server.key"), 0o600)
        with Websockify(target.port, "--user", "nobody", "--cert", pki.path("server.pem"),
                        "--key", pki.path("server.key")) as server:
            server.wait_for_log(rf"^  - Running as nobody \({NOBODY.pw_uid}:{NOBODY.pw_gid}\)$")
            ids = ids_of(server.pid)
            assert ids["Uid"] == [NOBODY.pw_uid] * 4, f"uids {ids['Uid']}"
            assert ids["Gid"] == [NOBODY.pw_gid] * 4, f"gids {ids['Gid']}"
            assert 0 not in ids["Groups"], f"still in group root: {ids['Groups']}"
            context = ssl.create_default_context(cafile=pki.path("ca.pem"))
            ws = await websockets.connect(f"wss://localhost:{server.port}/", ssl=context,
                                          open_timeout=5, ping_interval=None,
                                          subprotocols=["binary"])
            payload = random_bytes(seed=5, size=100_000)
            assert await echo(ws, [payload]) == payload, "wss echo differs after the drop"
            await ws.close()


async def wrapped_program_runs_as_user():
    require_root()
    port = free_port()
    with Websockify(None, "--user", "nobody", positionals=[
            f"127.0.0.1:{port}", "--", sys.executable, "-c", WHO_AM_I_PROGRAM, str(port)]) \
            as server:
        server.wait_for_log(r"Running as nobody")
        ws = await websockets.connect(server.url, open_timeout=10, ping_interval=None,
                                      subprotocols=["binary"])
        line = await ws.recv()
        await ws.close()
        expected = f"uid={NOBODY.pw_uid} gid={NOBODY.pw_gid}".encode()
        assert line.startswith(expected), f"the wrapped program said {line!r}"


def wrapping_as_root_is_refused():
    require_root()
    result = run_cli("127.0.0.1:0", "--", "true", timeout=10)
    assert result.code == 2, f"exit code {result.code}, stderr {result.stderr!r}"
    assert "refusing to run 'true' as root" in result.stderr, result.stderr
    assert "--wrap-as-root" in result.stderr, result.stderr
    allowed = run_cli("--wrap-as-root", "127.0.0.1:0", "--", "sh", "-c", "exit 4", timeout=10)
    assert allowed.code == 4, f"--wrap-as-root: exit code {allowed.code}, {allowed.stderr!r}"


def unknown_user_or_group_is_a_usage_error():
    cases = [
        (["--user", "no-such-user-here"], "--user 'no-such-user-here': no such user"),
        (["--user", "nobody", "--group", "no-such-group-here"],
         "--group 'no-such-group-here': no such group"),
        (["--group", "nogroup"], "--group needs --user"),
    ]
    for options, message in cases:
        result = run_cli(*options, "127.0.0.1:0", "127.0.0.1:9")
        assert result.code == 2, f"{options}: exit code {result.code}, {result.stderr!r}"
        assert message in result.stderr, f"{options}: {result.stderr!r}"
        assert len(result.stderr.strip().splitlines()) == 1, f"{options}: {result.stderr!r}"


def user_without_root_is_a_startup_error():
    if os.geteuid() == 0:
        print("SKIP: run as root, so --user can drop privileges")
        sys.exit(SKIPPED)
    result = run_cli("--user", "nobody", "127.0.0.1:0", "127.0.0.1:9")
    assert result.code != 0, "--user as an ordinary user did not fail"
    assert "cannot drop privileges" in result.stderr, result.stderr


if __name__ == "__main__":
    run_cases({
        "runs_as_user_after_reading_a_root_only_key": runs_as_user_after_reading_a_root_only_key,
        "wrapped_program_runs_as_user": wrapped_program_runs_as_user,
        "wrapping_as_root_is_refused": wrapping_as_root_is_refused,
        "unknown_user_or_group_is_a_usage_error": unknown_user_or_group_is_a_usage_error,
        "user_without_root_is_a_startup_error": user_without_root_is_a_startup_error,
    })
