#!/usr/bin/env bash
# A long fuzzing campaign: every fuzzer of a built fuzz preset, one after another, for SECONDS
# each, from the checked-in seeds plus whatever earlier campaigns found (kept in OUT/corpus).
# Prints one table row per fuzzer and keeps each full libFuzzer log beside it.
#
#   fuzz/campaign.sh [SECONDS=600] [BUILD=build/fuzz] [OUT=build/fuzz/campaign] [TARGET...]
#
# The per-input limit is 30 s, not ctest's 5: libFuzzer's limit is wall-clock time, and a niced
# campaign on a busy machine was starved long enough for 0.25 s inputs to be reported as 6 s
# timeouts. A real hang still shows.
#
# Not part of command (2): ctest's fuzz.<name> smoke runs are; this is for the long runs that
# issue notes report. Run it niced when the machine has other work to do.
set -euo pipefail

seconds=${1:-600}
build=${2:-build/fuzz}
here=$(cd "$(dirname "$0")" && pwd)
out=${3:-$build/campaign}
shift $(($# < 3 ? $# : 3))
only=("$@")
mkdir -p "$out"

printf '| target | seconds | execs | execs/s | coverage | features | corpus | result |\n'
printf '|---|---|---|---|---|---|---|---|\n'
status=0
for fuzzer in "$build"/fuzz/*_fuzzer; do
    name=$(basename "$fuzzer" _fuzzer)
    if ((${#only[@]})) && [[ ! " ${only[*]} " == *" $name "* ]]; then
        continue
    fi
    corpus=$out/corpus/$name
    log=$out/$name.log
    mkdir -p "$corpus"
    options=(-max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1
             -artifact_prefix="$out/$name-")
    if [[ -f $here/dict/$name.dict ]]; then
        options+=(-dict="$here/dict/$name.dict")
    fi
    result=ok
    if ! "$fuzzer" "${options[@]}" "$corpus" "$here/corpus/$name" >"$log" 2>&1; then
        result="FAILED (see $log)"
        status=1
    fi
    # The last status line ("#N DONE cov: C ft: F corp: K/..." or "#N ... cov: ...") has the
    # totals; stat::number_of_executed_units is exact.
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    line=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$line")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$line")
    corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$line")
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' \
        "$name" "$seconds" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result"
done
exit $status
