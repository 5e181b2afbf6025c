#!/bin/sh
# fuzz-smoke.sh - every libFuzzer target for a fixed budget, under ASan and
# UBSan; what it learns is kept in the repo's corpora.
#
#   tools/fuzz-smoke.sh            (make fuzz-smoke; FUZZ_SECONDS=30 per target)
#
# Each fuzz/fuzz_NAME.c runs for FUZZ_SECONDS seconds (one process) from
# fuzz/corpus/NAME. The inputs that reached new code are then merged into
# fuzz/corpus/NAME with libFuzzer's -merge=1 on edges only, which keeps the
# smallest inputs that reach an edge the corpus did not, so 'make test'
# replays them from then on (commit them). A crash, a sanitizer report, a leak, an input slower than
# 10 s or over 2 GB of memory fails the run and leaves the input in
# build-fuzz/artifacts/ (copy it into the corpus once fixed).
set -eu
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-30}
build=build-fuzz
if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" -Dfuzzing=true -Dtests=disabled \
    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
# The build's own words only when it fails (CI once showed nothing but
# make's "Error 1" for a file clang would not compile).
if ! ninja -C "$build" >"$build/ninja.log" 2>&1; then
  grep -E "error|FAILED" "$build/ninja.log" | head -n 20
  echo "fuzz-smoke: the build failed (see $build/ninja.log)"
  exit 1
fi
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
mkdir -p "$build/artifacts" "$build/fuzz-logs"
work=$(mktemp -d /tmp/migcheck-fuzz-XXXXXX)
trap 'rm -rf "$work"' EXIT
failed=0 targets=0 kept=0
for src in fuzz/fuzz_*.c; do
  name=${src#fuzz/fuzz_}
  name=${name%.c}
  bin=$build/fuzz/fuzz_$name
  corpus=fuzz/corpus/$name
  log=$build/fuzz-logs/$name.log
  targets=$((targets + 1))
  mkdir -p "$work/$name" "$corpus"
  if ! "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$build/artifacts/$name-" \
      "$work/$name" "$corpus" >"$log" 2>&1; then
    echo "fuzz-smoke: $name: FAILED (see $log and $build/artifacts/$name-*)"
    grep -E "ERROR: |runtime error|SUMMARY" "$log" | head -n 5 | sed 's/^/  /'
    failed=$((failed + 1))
    continue
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  before=$(find "$corpus" -type f | wc -l)
  # Edges only (no hit counts): an input is kept when it reaches code the
  # corpus never reached, not when it merely loops more often.
  "$bin" -merge=1 -use_counters=0 -timeout=10 -rss_limit_mb=2048 "$corpus" "$work/$name" \
      >>"$log" 2>&1 || {
    echo "fuzz-smoke: $name: the merge failed (see $log)"
    failed=$((failed + 1))
    continue
  }
  after=$(find "$corpus" -type f | wc -l)
  kept=$((kept + after - before))
  echo "fuzz-smoke: $name: ${runs:-?} inputs in ${secs} s, $((after - before)) new kept in $corpus"
done
echo "fuzz-smoke: $targets targets, $failed failed, $kept new inputs kept in fuzz/corpus"
[ "$failed" -eq 0 ] && [ "$targets" -gt 0 ]
