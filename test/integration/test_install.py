"""Install and package (issue #10): `cmake --install` of the build under test into a temporary
prefix, and what is installed there: the layout, the man page, the systemd unit, the installed
binary run from an empty environment (finding its rebind.so on its own), and the Dockerfile's
package lists against the libraries the binary links.

The build tree comes from $WEBSOCKIFY_BUILD_DIR and cmake from $CMAKE_COMMAND (both set by
test/integration/CMakeLists.txt). Each case installs into its own directory, so they run in
parallel.
"""

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

from harness import (LISTEN_LINE, STARTUP_TIMEOUT, OutputCapture, connect, echo, free_port,
                     indent, kill_group, random_bytes, run_cases, wait_until_accepting)
from test_wrap import echo_program, read_pgid

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD_DIR = os.environ.get("WEBSOCKIFY_BUILD_DIR", "")
CMAKE = os.environ.get("CMAKE_COMMAND") or shutil.which("cmake") or "cmake"
VERSION = os.environ.get("WEBSOCKIFY_VERSION", "")
BUILT_BINARY = os.environ.get("WEBSOCKIFY_BIN", "")

# The layout README "Install" promises, relative to the prefix.
BINARY = "bin/websockify"
REBIND = "lib/websockify/rebind.so"
WEB_DIR = "share/websockify/web"
MAN_PAGE = "share/man/man1/websockify.1"
UNIT = "lib/systemd/system/websockify.service"
SOCKET_UNIT = "lib/systemd/system/websockify.socket"
SYSUSERS = "lib/sysusers.d/websockify.conf"
MAN_SECTIONS = ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "SIGNALS", "EXIT STATUS",
                "EXAMPLES", "SEE ALSO"]
# Sanitizer runtimes (asan preset) are not part of a release image.
SANITIZER_LIBRARY = re.compile(r"^lib(asan|ubsan|tsan|lsan|hwasan)\.so")


# --- installing -------------------------------------------------------------------------------

def run(cmd, timeout=60, **options):
    """cmd's CompletedProcess (text); AssertionError naming the command if it cannot start."""
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, **options)
    except FileNotFoundError as exc:
        raise AssertionError(f"cannot run {cmd[0]}: {exc}") from None


def install(prefix, destdir=None):
    """`cmake --install BUILD_DIR --prefix prefix` (with DESTDIR when given); its output."""
    if not BUILD_DIR:
        raise AssertionError("WEBSOCKIFY_BUILD_DIR is not set (test/integration/CMakeLists.txt "
                             "sets it to the build tree to install from)")
    env = dict(os.environ)
    env.pop("DESTDIR", None)
    if destdir:
        env["DESTDIR"] = destdir
    result = run([CMAKE, "--install", BUILD_DIR, "--prefix", prefix], timeout=120, env=env)
    if result.returncode != 0:
        raise AssertionError(f"cmake --install failed with {result.returncode}:\n"
                             f"{indent(result.stdout + result.stderr)}")
    return result.stdout + result.stderr


@contextlib.contextmanager
def installed():
    """A fresh install in a temporary prefix, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="websockify-install-") as prefix:
        output = install(prefix)
        yield prefix, output


def assert_file(prefix, relative, executable=False):
    path = os.path.join(prefix, relative)
    if not os.path.isfile(path):
        raise AssertionError(f"{relative} is not installed (no file {path})")
    if executable and not os.access(path, os.X_OK):
        raise AssertionError(f"{relative} is installed but not executable")
    return path


# --- the web pages --------------------------------------------------------------------------

HTML_REFERENCE = re.compile(r"""<(?:script|link|img)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)""")
JS_IMPORT = re.compile(r"""(?:\bimport\b[^'";]*?\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']""")


def local_references(path):
    """Files a page or module loads by a relative URL (not data:, http:, or bare packages)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    pattern = HTML_REFERENCE if path.endswith(".html") else JS_IMPORT
    if path.endswith(".css"):
        pattern = re.compile(r"""url\(\s*["']?([^"')]+)""")
    found = []
    for reference in pattern.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", reference) or reference.startswith(("#", "/")):
            continue
        if path.endswith(".js") and not reference.startswith("."):
            continue  # a bare specifier would not load in a browser anyway
        found.append(reference.split("?")[0].split("#")[0])
    return found


def reachable_files(web_root, pages):
    """Every file under web_root that `pages` load, directly or through imports; missing ones
    as (referrer, reference) pairs."""
    seen, missing, todo = set(), [], [os.path.join(web_root, page) for page in pages]
    while todo:
        path = os.path.normpath(todo.pop())
        if path in seen:
            continue
        seen.add(path)
        for reference in local_references(path):
            target = os.path.normpath(os.path.join(os.path.dirname(path), reference))
            if not target.startswith(web_root + os.sep):
                missing.append((os.path.relpath(path, web_root), reference + " (outside the root)"))
            elif not os.path.isfile(target):
                missing.append((os.path.relpath(path, web_root), reference))
            elif target.endswith((".html", ".js", ".mjs", ".css")):
                todo.append(target)
            else:
                seen.add(target)
    return seen, missing


# --- cases ----------------------------------------------------------------------------------

def layout():
    """Every part lands where README "Install" says, and the pages find what they load."""
    with installed() as (prefix, output):
        assert_file(prefix, BINARY, executable=True)
        assert_file(prefix, REBIND)
        for relative in (MAN_PAGE, UNIT, SOCKET_UNIT, SYSUSERS):
            assert_file(prefix, relative)
        web_root = os.path.realpath(os.path.join(prefix, WEB_DIR))
        for page in ("websock.js", "wstelnet.html", "wsirc.html"):
            assert_file(prefix, f"{WEB_DIR}/{page}")
        xterm = "node_modules/@xterm/xterm/lib/xterm.mjs"
        if not os.path.isfile(os.path.join(SOURCE_DIR, "web", xterm)):
            raise AssertionError("web/node_modules has no xterm.js, so the install lacks it: run "
                                 "`npm ci` in web/ (scripts/install-deps.sh test does)")
        loaded, missing = reachable_files(web_root, ["wstelnet.html", "wsirc.html"])
        assert not missing, "installed pages load files that are not installed: " + \
            ", ".join(f"{referrer} -> {reference}" for referrer, reference in missing)
        assert os.path.join(web_root, "node_modules", "@xterm", "xterm", "lib", "xterm.mjs") \
            in loaded, "wstelnet no longer loads xterm.mjs: update this test"
        # Of node_modules only what the pages load (and the licence) is installed.
        extra = []
        for directory, _, files in os.walk(os.path.join(web_root, "node_modules")):
            for name in files:
                path = os.path.join(directory, name)
                if path not in loaded and name != "LICENSE":
                    extra.append(os.path.relpath(path, web_root))
        assert not extra, f"node_modules files no page loads were installed: {extra[:10]}"
        assert "CMake Warning" not in output, f"cmake --install warned:\n{indent(output)}"


def runs_from_an_empty_environment():
    """env -i, another working directory: --version and --help still work."""
    with installed() as (prefix, _):
        binary = assert_file(prefix, BINARY, executable=True)
        version = run(["env", "-i", binary, "--version"], cwd="/")
        assert version.returncode == 0, f"--version exited {version.returncode}: {version.stderr}"
        assert version.stdout.strip() == f"websockify {VERSION}", \
            f"--version printed {version.stdout.strip()!r}, expected 'websockify {VERSION}'"
        usage = run(["env", "-i", binary, "--help"], cwd="/")
        assert usage.returncode == 0, f"--help exited {usage.returncode}: {usage.stderr}"
        assert "Usage:" in usage.stdout and "--wrap-mode" in usage.stdout, \
            f"--help printed no usage:\n{indent(usage.stdout)}"


async def wraps_with_the_installed_rebind():
    """The installed binary, from an empty environment, wraps a program: the program's bind()
    of the public port is moved by the installed rebind.so (a client reaches it through
    websockify), and the program's memory maps show that very file."""
    with installed() as (prefix, _), tempfile.TemporaryDirectory() as tmp:
        binary = assert_file(prefix, BINARY, executable=True)
        rebind = os.path.realpath(assert_file(prefix, REBIND))
        port = free_port()
        program, pgid_file = echo_program(tmp, "ipv4", port, "stay")
        as_root = ["--wrap-as-root"] if os.geteuid() == 0 else []
        cmd = ["env", "-i", binary, *as_root, f"127.0.0.1:{port}", "--", *program]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True, cwd="/")
        stderr = OutputCapture(proc.stderr, "websockify-stderr")
        OutputCapture(proc.stdout, "websockify-stdout")
        try:
            try:
                stderr.wait_for(LISTEN_LINE, STARTUP_TIMEOUT, alive=lambda: proc.poll() is None)
                wait_until_accepting(port, STARTUP_TIMEOUT)
                pid = read_pgid(pgid_file)  # the program leads its own process group
            except (TimeoutError, AssertionError) as exc:
                raise AssertionError(f"the installed websockify did not wrap the program: {exc}\n"
                                     f"  command: {' '.join(cmd)}\n  exit code: {proc.poll()}\n"
                                     f"  stderr:\n{indent(stderr.text())}") from None
            with open(f"/proc/{pid}/maps") as f:
                maps = f.read()
            assert rebind in maps, f"the wrapped program has not loaded {rebind}; its " \
                f"rebind-like maps: {[line for line in maps.splitlines() if 'rebind' in line]}"
            payload = random_bytes(seed=10, size=100_000)
            async with connect(_Url(port), subprotocols=["binary"]) as ws:
                got = await echo(ws, [payload[:50_000], payload[50_000:]])
            assert got == payload, "the echo through the wrapped program differs"
        finally:
            if proc.poll() is None:
                proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                kill_group(proc.pid)
                proc.wait(5)
            if os.path.exists(pgid_file):
                kill_group(read_pgid(pgid_file))


def man_page_renders():
    """The man page has the usual sections, names this version, and renders without warnings
    (groff, or man, when installed; otherwise only the structure is checked)."""
    with installed() as (prefix, _):
        page = assert_file(prefix, MAN_PAGE)
        with open(page, encoding="utf-8") as f:
            source = f.read()
        leftovers = re.findall(r"@[A-Z_]+@", source)
        assert not leftovers, f"unsubstituted configure variables: {leftovers}"
        title = re.search(r"^\.TH\s+WEBSOCKIFY\s+1\s+.*\"websockify ([^\"]+)\"", source, re.M)
        assert title, "no `.TH WEBSOCKIFY 1 DATE \"websockify VERSION\"` line"
        assert title.group(1) == VERSION, f"the man page says version {title.group(1)}, " \
            f"the build is {VERSION}"
        sections = re.findall(r"^\.SH\s+\"?([^\"\n]+?)\"?\s*$", source, re.M)
        wanted = [s for s in sections if s in MAN_SECTIONS]
        assert wanted == MAN_SECTIONS, f"sections {sections}; expected {MAN_SECTIONS} in order"
        name = source.split(".SH NAME", 1)[1].split(".SH", 1)[0].strip().splitlines()
        assert len(name) == 1 and re.match(r"^websockify \\- \S", name[0]), \
            f"the NAME section must be one line `websockify \\- summary`: {name}"
        bad_lines = [line for line in source.splitlines() if line.startswith("'")]
        assert not bad_lines, f"lines starting with ' are control lines in roff: {bad_lines}"
        if shutil.which("groff"):
            rendered = run(["groff", "-man", "-Tutf8", "-ww", "-z", page])
            assert rendered.returncode == 0 and not rendered.stderr.strip(), \
                f"groff warned:\n{indent(rendered.stderr)}"
        elif shutil.which("man"):
            rendered = run(["man", "--warnings", "-l", page],
                           env=dict(os.environ, MANPAGER="cat", MANWIDTH="80"))
            assert rendered.returncode == 0 and not rendered.stderr.strip(), \
                f"man warned:\n{indent(rendered.stderr)}"
        else:
            print("note: neither groff nor man is installed: structure checked, rendering not")
        if shutil.which("lexgrog"):
            whatis = run(["lexgrog", page])
            assert whatis.returncode == 0 and "websockify - " in whatis.stdout, \
                f"lexgrog (apropos, whatis) cannot read the NAME section: {whatis}"


def help_options(binary):
    """Option names (`-v`, `--verbose`, ...) from the option lines of `binary --help`."""
    result = run([binary, "--help"])
    assert result.returncode == 0, f"--help exited {result.returncode}: {result.stderr}"
    options = set()
    for line in result.stdout.splitlines():
        match = re.match(r"^\s+(-\S+)", line)
        if match:
            for name in re.sub(r"\{[^}]*\}", "", match.group(1)).split(","):
                if name.startswith("-"):
                    options.add(name)
    assert "--help" in options and "--version" in options and len(options) > 20, \
        f"could not read the options from --help:\n{indent(result.stdout)}"
    return options


def plain_man_text(source):
    """roff source with hyphens unescaped and font changes removed, for searching."""
    text = re.sub(r"\\f(\[[^\]]*\]|\(..|.)", "", source)
    return text.replace("\\-", "-").replace("\\e", "\\")


def option_pattern(option):
    return re.compile(r"(?<![\w-])" + re.escape(option) + r"(?![\w-])")


def man_page_lists_every_option():
    """Every option `websockify --help` lists is in the man page, and every option the man page
    describes (an OPTIONS entry) still exists."""
    with installed() as (prefix, _):
        binary = assert_file(prefix, BINARY, executable=True)
        with open(assert_file(prefix, MAN_PAGE), encoding="utf-8") as f:
            source = f.read()
        options = help_options(binary)
        text = plain_man_text(source)
        undocumented = sorted(o for o in options if not option_pattern(o).search(text))
        assert not undocumented, f"options missing from packaging/websockify.1.in: {undocumented}"
        # The OPTIONS section's entries: the line after each .TP.
        section = source.split(".SH OPTIONS", 1)[1].split("\n.SH ", 1)[0]
        tags = re.findall(r"^\.TP\n(.*)$", section, re.M)
        described = set()
        for tag in tags:
            described.update(re.findall(r"(?<![\w-])(--?[A-Za-z0-9][\w-]*)", plain_man_text(tag)))
        assert len(described) > 20, f"could not read the man page's option entries: {tags[:5]}"
        stale = sorted(described - options)
        assert not stale, f"the man page describes options --help does not list: {stale}"


def systemd_unit():
    """ExecStart names the installed binary, for --prefix and for DESTDIR staging alike, and
    systemd-analyze (when installed) accepts the unit."""
    with installed() as (prefix, _):
        unit = assert_file(prefix, UNIT)
        binary = os.path.join(prefix, BINARY)
        assert exec_start(unit) == binary, \
            f"ExecStart runs {exec_start(unit)}, the binary is installed as {binary}"
        analyze = shutil.which("systemd-analyze")
        if analyze:
            # Documentation=man:websockify(1) is looked up with man, in the installed pages.
            env = dict(os.environ, MANPATH=os.path.join(prefix, "share", "man"))
            man_check = [] if shutil.which("man") else ["--man=no"]
            socket_unit = assert_file(prefix, SOCKET_UNIT)
            result = run([analyze, "verify", *man_check, unit, socket_unit], env=env)
            assert result.returncode == 0 and not result.stderr.strip(), \
                f"systemd-analyze verify:\n{indent(result.stdout + result.stderr)}"
        else:
            print("note: systemd-analyze is not installed: the unit was not verified")
    with tempfile.TemporaryDirectory(prefix="websockify-destdir-") as stage:
        install("/opt/websockify", destdir=stage)
        unit = os.path.join(stage, "opt", "websockify", UNIT)
        assert os.path.isfile(unit), f"DESTDIR install: no {unit}"
        assert exec_start(unit) == "/opt/websockify/bin/websockify", \
            f"with DESTDIR the ExecStart must leave the staging directory out: {exec_start(unit)}"
        assert os.path.isfile(os.path.join(stage, "opt", "websockify", BINARY))


def exec_start(unit):
    with open(unit, encoding="utf-8") as f:
        lines = [line for line in f.read().splitlines() if line.startswith("ExecStart=")]
    assert len(lines) == 1, f"expected one ExecStart= line in {unit}: {lines}"
    return lines[0].split("=", 1)[1].split()[0].lstrip("-@:+!")


# --- the Dockerfile -------------------------------------------------------------------------

def dockerfile_stages():
    """The Dockerfile's stages, each a list of (INSTRUCTION, arguments) with continuations
    joined and comments dropped."""
    with open(os.path.join(SOURCE_DIR, "Dockerfile"), encoding="utf-8") as f:
        lines = [line for line in f.read().splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    stages = []
    for line in joined.splitlines():
        if not line.strip():
            continue
        instruction, _, arguments = line.strip().partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((instruction.upper(), arguments.strip()))
    assert len(stages) >= 2, "the Dockerfile should have a build stage and a runtime stage"
    return stages


def apt_installed(stage):
    """Packages named by `apt-get install` in the stage's RUN instructions."""
    packages = set()
    for instruction, arguments in stage:
        if instruction != "RUN":
            continue
        for command in re.split(r"&&|;|\|\|", arguments):
            words = command.split()
            if "apt-get" in words and "install" in words:
                after = words[words.index("install") + 1:]
                packages.update(w for w in after if not w.startswith("-") and "=" not in w)
    return packages


def needed_libraries(binary):
    """{soname: path} of the libraries `binary` names itself (ELF NEEDED), as ldd resolves them."""
    dynamic = run(["readelf", "-d", binary])
    assert dynamic.returncode == 0, f"readelf -d {binary}: {dynamic.stderr}"
    sonames = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic.stdout)
    resolved = run(["ldd", binary])
    assert resolved.returncode == 0, f"ldd {binary}: {resolved.stderr}"
    paths = dict(re.findall(r"^\s*(\S+) => (/\S+)", resolved.stdout, re.M))
    missing = [s for s in sonames if s not in paths]
    assert not missing, f"ldd cannot resolve {missing}:\n{indent(resolved.stdout)}"
    return {soname: paths[soname] for soname in sonames}


def owning_package(path):
    """The Debian package that ships `path` (dpkg -S), trying the /usr-merged twin too."""
    candidates = [path, os.path.realpath(path)]
    for candidate in list(candidates):
        if candidate.startswith("/usr/"):
            candidates.append(candidate[len("/usr"):])
        else:
            candidates.append("/usr" + candidate)
    for candidate in candidates:
        result = run(["dpkg-query", "-S", candidate])
        if result.returncode == 0:
            return result.stdout.split(":")[0].strip()
    raise AssertionError(f"no Debian package ships {path} (dpkg-query -S)")


def dockerfile_runtime_has_the_libraries():
    """The runtime stage installs the package of every shared library the binary and rebind.so
    need (the build under test links what the release build links, sanitizers aside), curl if
    the health check uses it, and runs websockify as a non-root user."""
    if not shutil.which("dpkg-query") or not shutil.which("readelf"):
        print("SKIP: dpkg-query and readelf are needed to map libraries to Debian packages")
        sys.exit(77)
    runtime = dockerfile_stages()[-1]
    base = runtime[0][1].split()[0]
    assert base.startswith("debian:bookworm"), f"the runtime stage is based on {base}"
    listed = apt_installed(runtime)
    with installed() as (prefix, _):
        wanted = {}
        for binary in (BUILT_BINARY, os.path.join(prefix, REBIND)):
            for soname, path in needed_libraries(binary).items():
                if not SANITIZER_LIBRARY.match(soname):
                    wanted.setdefault(owning_package(path), []).append(soname)
    missing = {package: sonames for package, sonames in wanted.items() if package not in listed}
    assert not missing, f"the Dockerfile's runtime stage lacks {missing} (it installs {sorted(listed)})"
    instructions = dict(runtime)
    health = instructions.get("HEALTHCHECK", "")
    assert "/healthz" in health, f"no HEALTHCHECK asking /healthz: {health!r}"
    if re.search(r"\bcurl\b", health):
        assert "curl" in listed, "the HEALTHCHECK runs curl, which the runtime stage lacks"
    assert instructions.get("ENTRYPOINT", "").replace(" ", "") == '["websockify"]', \
        f"ENTRYPOINT is {instructions.get('ENTRYPOINT')!r}"
    user = instructions.get("USER", "root")
    assert user not in ("root", "0"), f"the runtime stage runs as {user!r}"
    assert "EXPOSE" in instructions, "the runtime stage exposes no port"
    print(f"runtime packages needed: {sorted(wanted)}; listed: {sorted(listed)}")


def dockerfile_build_has_the_build_packages():
    """The build stage installs what scripts/install-deps.sh lists for building, and npm."""
    with open(os.path.join(SOURCE_DIR, "scripts", "install-deps.sh"), encoding="utf-8") as f:
        script = f.read()
    match = re.search(r"^build_packages=\(([^)]*)\)", script, re.M)
    assert match, "scripts/install-deps.sh has no build_packages=(...) list"
    build_packages = set(re.sub(r"#[^\n]*", "", match.group(1)).split())
    listed = set().union(*(apt_installed(stage) for stage in dockerfile_stages()[:-1]))
    missing = sorted(build_packages - listed) + ([] if "npm" in listed else ["npm"])
    assert not missing, f"the Dockerfile's build stage lacks {missing}"


class _Url:
    """What harness.connect needs of a server: its URL."""

    def __init__(self, port):
        self.url = f"ws://127.0.0.1:{port}/"


if __name__ == "__main__":
    run_cases({f.__name__: f for f in [
        layout, runs_from_an_empty_environment, wraps_with_the_installed_rebind,
        man_page_renders, man_page_lists_every_option, systemd_unit,
        dockerfile_runtime_has_the_libraries, dockerfile_build_has_the_build_packages]})
