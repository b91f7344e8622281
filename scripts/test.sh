#!/usr/bin/env bash
# Installs what is missing, builds every preset that has tests, and runs the whole suite.
# This is README command (2); .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test

status=0
for preset in dev asan; do
    echo "=== preset $preset"
    cmake --workflow --preset "$preset" || status=1
done
exit $status
