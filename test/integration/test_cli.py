"""Command-line behaviour: help, version, and bad arguments (one stderr line, exit status 2)."""

import os
import re

from harness import run_cli, run_cases

# CMake passes PROJECT_VERSION; run by hand, any x.y.z will do.
VERSION = os.environ.get("WEBSOCKIFY_VERSION")


def help_exits_0():
    result = run_cli("--help")
    assert result.code == 0, f"--help: {result}"
    assert "usage" in result.stdout.lower(), f"--help printed no usage on stdout: {result}"
    assert "--verbose" in result.stdout, f"--help does not list --verbose: {result}"


def version():
    result = run_cli("--version")
    assert result.code == 0, f"--version: {result}"
    pattern = re.escape(VERSION) if VERSION else r"\d+\.\d+\.\d+"
    assert re.search(rf"websockify.*\b{pattern}\b", result.stdout + result.stderr), \
        f"--version output lacks 'websockify {VERSION or 'x.y.z'}': {result}"


def expect_usage_error(*args):
    result = run_cli(*args)
    assert result.code == 2, f"`websockify {' '.join(args)}` should exit 2: {result}"
    lines = result.stderr_lines()
    assert len(lines) == 1, f"expected exactly one line on stderr, got {len(lines)}: {result}"
    return result


def bad_port():
    expect_usage_error("127.0.0.1:99999", "127.0.0.1:5900")


def unknown_option():
    expect_usage_error("--no-such-option", "127.0.0.1:0", "127.0.0.1:5900")


def missing_target():
    expect_usage_error("127.0.0.1:0")


def bad_syslog_address():
    # host:port with a bad port is a bad flag; the message names the option.
    result = expect_usage_error("--syslog", "127.0.0.1:99999", "127.0.0.1:0", "127.0.0.1:5900")
    assert "--syslog" in result.stderr, f"the message does not name --syslog: {result}"


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [help_exits_0, version, bad_port, unknown_option,
                                       missing_target, bad_syslog_address]})
