"""Node `ws` clients (test/integration/node/*.js) against websockify and an echo target.

A second, independent client implementation: framing or negotiation quirks that Python
websockets tolerates may not pass here.
"""

import functools
import os
import subprocess

from harness import EchoTarget, Websockify, indent, run_cases

NODE = os.environ.get("NODE") or "node"
SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node")
CASES = ["echo_1mib", "ping_pong", "subprotocol", "hundred_clients"]


def run_script(name, timeout=90):
    with EchoTarget() as target, Websockify(target.port) as server:
        try:
            result = subprocess.run([NODE, os.path.join(SCRIPTS, f"{name}.js"), server.url],
                                    capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"node {name}.js still running after {timeout} s") from None
        output = (result.stdout + result.stderr).strip()
        print(indent(output))
        last_line = output.splitlines()[-1] if output else "(no output)"
        assert result.returncode == 0, f"node {name}.js exited {result.returncode}: {last_line}"


if __name__ == "__main__":
    run_cases({name: functools.partial(run_script, name) for name in CASES})
