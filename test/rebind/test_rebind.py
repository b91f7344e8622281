"""rebind.so under LD_PRELOAD: runs bind_probe with the environment websockify sets and checks
where each bind landed. Usage: test_rebind.py CASE, with REBIND_LIBRARY and BIND_PROBE set.
Exits 0 on success, 1 on failure, 77 when the host lacks what the case needs (IPv6)."""

import ctypes.util
import os
import socket
import subprocess
import sys
import tempfile

LIBRARY = os.environ["REBIND_LIBRARY"]
PROBE = os.environ["BIND_PROBE"]
SKIP = 77


class Skip(Exception):
    pass


def has_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


HAS_IPV6 = has_ipv6_loopback()


def sanitizer_runtimes():
    """The ASan runtime when rebind.so was built with -fsanitize=address (the asan preset).
    ASan refuses to start unless its runtime is the first library loaded, and bind_probe does
    not link it (see CMakeLists.txt), so it must come first in LD_PRELOAD."""
    listing = subprocess.run(["ldd", LIBRARY], capture_output=True, text=True, check=True).stdout
    return [line.split("=>")[1].split("(")[0].strip() for line in listing.splitlines()
            if line.strip().startswith(("libasan.so", "libclang_rt.asan"))]


SANITIZER_RUNTIMES = sanitizer_runtimes()


def need_ipv6():
    if not HAS_IPV6:
        raise Skip("no IPv6 loopback on this host")


def free_port():
    """A port the kernel picked, free for TCP on every IPv4 address and, where there is IPv6,
    on every IPv6 address, so parallel tests never collide."""
    for _ in range(100):
        with socket.socket() as s:
            s.bind(("", 0))
            port = s.getsockname()[1]
        if not HAS_IPV6:
            return port
        try:
            with socket.socket(socket.AF_INET6) as s6:
                s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                s6.bind(("::", port))
        except OSError:
            continue
        return port
    raise AssertionError("found no port free on both IPv4 and IPv6")


def probe(*ops, env=None, preload=None, pass_fds=()):
    """Runs bind_probe OPS under the library; returns its output lines."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("REBIND_")}
    environment["LD_PRELOAD"] = ":".join(SANITIZER_RUNTIMES +
                                         [preload if preload is not None else LIBRARY])
    environment.update(env or {})
    command = [PROBE, *(str(op) for op in ops)]
    result = subprocess.run(command, env=environment, pass_fds=pass_fds, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=20, check=False)
    shown = " ".join(f"{k}={v!r}" for k, v in (env or {}).items())
    print(f"$ {shown} {' '.join(command[1:])}\n{result.stdout}{result.stderr}", end="")
    assert result.returncode == 0, f"bind_probe exited with {result.returncode}"
    assert "cannot be preloaded" not in result.stderr, "the dynamic loader refused rebind.so"
    return result.stdout.splitlines()


def expect(lines, *wanted):
    assert lines == list(wanted), f"got {lines}, expected {list(wanted)}"


def move_env(old, new):
    return {"REBIND_OLD_PORT": str(old), "REBIND_NEW_PORT": str(new)}


# Move mode: REBIND_OLD_PORT and REBIND_NEW_PORT.

def move_ipv4_any():
    old, new = free_port(), free_port()
    expect(probe("tcp4", "0.0.0.0", old, env=move_env(old, new)), f"ok 127.0.0.1:{new}")


def move_ipv6_any():
    need_ipv6()
    old, new = free_port(), free_port()
    expect(probe("tcp6", "::", old, env=move_env(old, new)), f"ok [::1]:{new}")


def move_ipv4_specific():
    old, new = free_port(), free_port()
    expect(probe("tcp4", "127.0.0.1", old, env=move_env(old, new)), f"ok 127.0.0.1:{new}")


def move_ipv6_v4_mapped():
    need_ipv6()
    old, new = free_port(), free_port()
    expect(probe("tcp6", "::ffff:127.0.0.1", old, env=move_env(old, new)), f"ok [::1]:{new}")


def move_udp():
    # As in Python's shim, the move does not look at the socket type.
    old, new = free_port(), free_port()
    expect(probe("udp4", "0.0.0.0", old, env=move_env(old, new)), f"ok 127.0.0.1:{new}")


def move_errno_preserved():
    # NEW is already taken, so the moved bind fails with the real bind()'s EADDRINUSE.
    old, new = free_port(), free_port()
    expect(probe("tcp4", "127.0.0.1", new, "tcp4", "0.0.0.0", old, env=move_env(old, new)),
           f"ok 127.0.0.1:{new}", "error 98 Address already in use")


# Pass-through.

def unrelated_port_untouched():
    old, new, other = free_port(), free_port(), free_port()
    ops = ["tcp4", "0.0.0.0", other, "tcp4", "127.0.0.1", 0]
    wanted = [f"ok 0.0.0.0:{other}", None]
    if HAS_IPV6:
        ops += ["tcp6", "::1", other]
        wanted.append(f"ok [::1]:{other}")
    lines = probe(*ops, env=move_env(old, new))
    # Port 0: the kernel picks one, which is never OLD's replacement.
    assert len(lines) == len(wanted), lines
    assert lines[1].startswith("ok 127.0.0.1:") and lines[1] != f"ok 127.0.0.1:{new}", lines
    wanted[1] = lines[1]
    expect(lines, *wanted)


def unix_untouched():
    old, new = free_port(), free_port()
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "probe.sock")
        expect(probe("unix", path, "-", env=move_env(old, new)), f"ok unix:{path}")
        read_end, write_end = os.pipe()
        try:
            os.unlink(path)
            expect(probe("unix", path, "-", env={"REBIND_REPORT_FD": str(write_end)},
                         pass_fds=[write_end]), f"ok unix:{path}")
        finally:
            os.close(read_end)
            os.close(write_end)


def null_and_short_address():
    # Passed through, so the real bind() reports EFAULT and EINVAL.
    old, new = free_port(), free_port()
    expect(probe("null", "-", "-", "short4", "0.0.0.0", old, env=move_env(old, new)),
           "error 14 Bad address", "error 22 Invalid argument")


# Malformed environment values disable the library rather than failing.

def invalid_spellings(number):
    """Malformed values, most of them around a number that would otherwise be accepted."""
    return ["", "abc", "70000", "-1", "0", "99999999999999999999999", f"+{number}",
            f" {number}", f"{number} ", f"{number}x", f"-{number}", f"{number}.0",
            f"0x{number:x}", str(number + 65536), str(number + 2**32)]


def invalid_old_port():
    old, new = free_port(), free_port()
    for value in invalid_spellings(old):
        expect(probe("tcp4", "0.0.0.0", old,
                     env={"REBIND_OLD_PORT": value, "REBIND_NEW_PORT": str(new)}),
               f"ok 0.0.0.0:{old}")


def invalid_new_port():
    old, new = free_port(), free_port()
    for value in invalid_spellings(new):
        expect(probe("tcp4", "0.0.0.0", old,
                     env={"REBIND_OLD_PORT": str(old), "REBIND_NEW_PORT": value}),
               f"ok 0.0.0.0:{old}")
    expect(probe("tcp4", "0.0.0.0", old, env={"REBIND_OLD_PORT": str(old)}), f"ok 0.0.0.0:{old}")


def invalid_report_fd():
    port = free_port()
    with tempfile.TemporaryFile() as regular_file:
        # Not a number, not open, or not a pipe or socket (stdin is /dev/null).
        for value in ["", "abc", "-1", "0", "999", "99999999999999999999999",
                      str(regular_file.fileno())]:
            expect(probe("tcp4", "0.0.0.0", port, env={"REBIND_REPORT_FD": value},
                         pass_fds=[regular_file.fileno()]),
                   f"ok 0.0.0.0:{port}")
        assert regular_file.read() == b"", "the library wrote to a regular file"
    # A real pipe, its number malformed. With the read end closed, a stray write would kill
    # the probe with SIGPIPE.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        for value in invalid_spellings(write_end)[6:]:
            expect(probe("tcp4", "0.0.0.0", port, pass_fds=[write_end],
                         env={"REBIND_REPORT_FD": value}),
                   f"ok 0.0.0.0:{port}")
    finally:
        os.close(write_end)


# Report mode: REBIND_REPORT_FD, for `websockify -- PROGRAM`.

REPORT_FD = "<report fd>"


def reporting(*ops, env=None):
    """Runs the probe with a pipe's write end as REBIND_REPORT_FD (and in place of REPORT_FD in
    OPS); returns its output lines and everything that arrived on the pipe."""
    read_end, write_end = os.pipe()
    try:
        environment = {"REBIND_REPORT_FD": str(write_end)}
        environment.update(env or {})
        ops = [write_end if op == REPORT_FD else op for op in ops]
        lines = probe(*ops, env=environment, pass_fds=[write_end])
        os.close(write_end)
        write_end = -1
        report = b""
        while chunk := os.read(read_end, 100):
            report += chunk
        return lines, report
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)


def parse_report(report, port):
    """Checks that report is exactly the line "PORT Q\\n"; returns Q."""
    fields = report.decode("ascii", "replace").rstrip("\n").split(" ")
    assert report.endswith(b"\n") and report.count(b"\n") == 1 and len(fields) == 2 \
        and fields[0] == str(port) and fields[1].isdigit(), \
        f"report {report!r}, expected b'{port} Q\\n'"
    picked = int(fields[1])
    assert 0 < picked < 65536 and picked != port, f"reported port {picked}"
    return picked


def report_case(first_family, second_family):
    need_ipv6()
    port, other = free_port(), free_port()
    wildcard = {"tcp4": "0.0.0.0", "tcp6": "::"}
    loopback = {"tcp4": "127.0.0.1", "tcp6": "[::1]"}
    lines, report = reporting(first_family, wildcard[first_family], port,
                              "fd", REPORT_FD, "-",
                              second_family, wildcard[second_family], port,
                              "tcp4", "0.0.0.0", other)
    picked = parse_report(report, port)
    assert len(lines) == 4, lines
    # Bound to loopback:Q, and the report fd closed once written.
    expect(lines[:2], f"ok {loopback[first_family]}:{picked}", "closed")
    # The other family's socket lands on Q too, unless Q is taken there (then port 0).
    assert lines[2].startswith(f"ok {loopback[second_family]}:"), lines
    if lines[2] != f"ok {loopback[second_family]}:{picked}":
        print(f"note: port {picked} was taken for {second_family}; fell back to port 0")
    expect(lines[3:], f"ok 0.0.0.0:{other}")


def report_ipv4_then_ipv6():
    report_case("tcp4", "tcp6")


def report_ipv6_then_ipv4():
    report_case("tcp6", "tcp4")


def report_falls_back_to_port_zero():
    # A second IPv4 socket on P cannot have 127.0.0.1:Q, which the first holds.
    port = free_port()
    lines, report = reporting("tcp4", "0.0.0.0", port, "tcp4", "0.0.0.0", port)
    picked = parse_report(report, port)
    assert len(lines) == 2, lines
    expect(lines[:1], f"ok 127.0.0.1:{picked}")
    assert lines[1].startswith("ok 127.0.0.1:") and lines[1] != lines[0], lines


def report_ignores_udp_and_port_zero():
    port = free_port()
    lines, report = reporting("udp4", "0.0.0.0", port, "tcp4", "127.0.0.1", 0,
                              "tcp4", "0.0.0.0", port)
    assert len(lines) == 3, lines
    expect(lines[0:1], f"ok 0.0.0.0:{port}")
    assert lines[1].startswith("ok 127.0.0.1:"), lines
    expect(lines[2:], f"ok 127.0.0.1:{parse_report(report, port)}")


def report_off_when_old_port_set():
    port, unrelated = free_port(), free_port()
    for old in [str(unrelated), "abc", ""]:
        lines, report = reporting("tcp4", "0.0.0.0", port, env={"REBIND_OLD_PORT": old})
        expect(lines, f"ok 0.0.0.0:{port}")
        assert report == b"", f"reported {report!r} with REBIND_OLD_PORT={old!r}"


def report_fd_reused():
    # The program closed the report pipe and reused its number for a pipe of its own: the
    # library must neither write there nor move the bind it can no longer report.
    port = free_port()
    lines, report = reporting("repipe", REPORT_FD, "-", "tcp4", "0.0.0.0", port,
                              "unread", "-", "-")
    expect(lines, "repiped", f"ok 0.0.0.0:{port}", "unread 0")
    assert report == b"", f"reported {report!r} on the original pipe"


# LD_PRELOAD as websockify sets it when the program already had one.

def ld_preload_appended():
    old, new = free_port(), free_port()
    other = ctypes.util.find_library("m") or "libm.so.6"
    for preload in [f"{other}:{LIBRARY}", f"{LIBRARY}:{other}", f"{other} {LIBRARY}"]:
        expect(probe("tcp4", "0.0.0.0", old, env=move_env(old, new), preload=preload),
               f"ok 127.0.0.1:{new}")


CASES = [move_ipv4_any, move_ipv6_any, move_ipv4_specific, move_ipv6_v4_mapped, move_udp,
         move_errno_preserved, unrelated_port_untouched, unix_untouched, null_and_short_address,
         invalid_old_port, invalid_new_port, invalid_report_fd, report_ipv4_then_ipv6,
         report_ipv6_then_ipv4, report_falls_back_to_port_zero,
         report_ignores_udp_and_port_zero, report_off_when_old_port_set, report_fd_reused,
         ld_preload_appended]


def main():
    cases = {case.__name__: case for case in CASES}
    if len(sys.argv) != 2 or sys.argv[1] not in cases:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(cases)}}}")
    try:
        cases[sys.argv[1]]()
    except Skip as reason:
        print(f"skipped: {reason}")
        sys.exit(SKIP)
    except AssertionError as failure:
        print(f"FAIL: {failure}")
        sys.exit(1)
    print("passed")


if __name__ == "__main__":
    main()
