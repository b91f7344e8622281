#!/usr/bin/env bash
# Installs what is missing, builds every preset that has tests, and runs the whole suite.
# This is README command (2); .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test
# Chromium is installed above: a browser test that cannot start it is a failure here, not a skip.
export WEBSOCKIFY_REQUIRE_BROWSER=1

status=0
# tsan: sessions on several threads (--threads defaults to the cores) under ThreadSanitizer.
# fuzz: the libFuzzer targets (clang), each fuzzed briefly from its seed corpus.
for preset in dev asan tsan fuzz; do
    echo "=== preset $preset"
    cmake --workflow --preset "$preset" || status=1
done
exit $status
