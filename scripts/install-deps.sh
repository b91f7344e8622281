#!/usr/bin/env bash
# Installs what building (and, with "test", testing) websockify needs on Debian 12, as root.
# Only missing packages are installed, so a second run costs a few seconds.
set -euo pipefail

mode=${1:-build}
build_packages=(cmake ninja-build ccache g++ pkg-config
                libasio-dev libssl-dev libcli11-dev libspdlog-dev libgtest-dev
                libcurl4-openssl-dev libhiredis-dev nlohmann-json3-dev zlib1g-dev libsystemd-dev)
# libclang-rt-14-dev holds libFuzzer and the sanitizer runtimes for clang (the fuzz preset); clang
# only recommends it, and recommends are not installed here.
test_packages=(python3 python3-websockets python3-websocket curl openssl socat procps telnetd-ssl
               redis-server
               # an independent PROXY protocol sender for test_proxy_protocol.py
               haproxy
               # the man page check (test_install.py) renders it with groff
               groff-base
               clang clang-tidy clang-format libclang-rt-14-dev
               # the browser tests (test/browser): Chromium, the servers behind the pages, noVNC
               chromium fonts-dejavu-core ngircd xvfb x11vnc x11-xserver-utils novnc
               # bench/run.py's contenders besides socat: Python websockify
               websockify)

packages=("${build_packages[@]}")
if [[ $mode == test ]]; then
    packages+=("${test_packages[@]}")
    # Node.js may come from another source (it bundles npm); only add Debian's when absent.
    command -v node >/dev/null || packages+=(nodejs)
    command -v npm >/dev/null || packages+=(npm)
fi

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done

if ((${#missing[@]})); then
    echo "install-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ $mode == test ]]; then
    # Node test clients, pinned by the lockfile.
    (cd "$(dirname "$0")/../test/integration/node" && npm ci --no-audit --no-fund --loglevel=error)
    # xterm.js for web/wstelnet.html, and playwright-core for the browser tests.
    (cd "$(dirname "$0")/../web" && npm ci --no-audit --no-fund --loglevel=error)
    (cd "$(dirname "$0")/../test/browser" && npm ci --no-audit --no-fund --loglevel=error)
    # websockify-js, a contender in bench/run.py.
    (cd "$(dirname "$0")/../bench/node" && npm ci --no-audit --no-fund --loglevel=error)
fi
