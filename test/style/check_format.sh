#!/usr/bin/env bash
# Fails listing every tracked C/C++ file that differs from the checked-in .clang-format style.
set -euo pipefail
cd "$(dirname "$0")/../.."
mapfile -t files < <(git ls-files '*.c' '*.h' '*.cpp' '*.hpp')
bad=()
for file in "${files[@]}"; do
    clang-format --dry-run --Werror "$file" >/dev/null 2>&1 || bad+=("$file")
done
if ((${#bad[@]})); then
    printf 'not clang-formatted (run clang-format -i):\n'
    printf '  %s\n' "${bad[@]}"
    exit 1
fi
echo "${#files[@]} files clang-formatted"
