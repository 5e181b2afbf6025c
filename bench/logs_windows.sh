#!/usr/bin/env bash
# logs_windows.sh - migcheck.exe (make windows) beside the Linux build on the
# same generated Exchange IIS log as bench/logs.sh: both must count what the
# generator wrote, then the best of N wall times of each. The .exe runs
# under wine here, so its figure is indicative only: on a Windows server the
# same file is read through the same mapping and threads, without wine.
# Figures only: nothing here asserts a time. Skipped (exit 0) without the
# .exe or wine.
#
#   bench/logs_windows.sh [BUILD] [WIN]   (build, build-win64; MB=1000 RUNS=3)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
WIN=${2:-build-win64}
MB=${MB:-1000}
. bench/lib.sh
EXE=$WIN/migcheck.exe
if [ ! -f "$EXE" ] || ! command -v wine > /dev/null; then
  echo "logs_windows.sh: skipped: no $EXE or no wine (make windows builds it)"
  exit 0
fi
OUT=bench/out/logs-$MB
if [ ! -f "$OUT/expected.json" ]; then
  echo "generating a $MB MB Exchange IIS log in $OUT ..."
  rm -rf "$OUT"
  "$BUILD/bench/gen_iislog" "$OUT/logs" "$MB" 1 1
  mv "$OUT/logs/expected.json" "$OUT/expected.json"
fi
LOG=$OUT/logs/EX01/W3SVC1/u_ex240312.log
bytes=$(stat -c %s "$LOG")
cat "$LOG" > /dev/null           # warm the page cache
export WINEPREFIX=$PWD/$WIN/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
# wine's server and services up first, apart from the timed runs.
wineserver -p 30 < /dev/null > /dev/null 2>&1
wine wineboot --init < /dev/null > /dev/null 2>&1 || true
trap 'wineserver -k > /dev/null 2>&1 || true' EXIT
WINLOGS="Z:$(printf '%s' "$PWD/$OUT/logs" | tr '/' '\\')"

counts() {
  python3 -c 'import json,sys; t=json.load(sys.stdin)["traffic"]; print(t["mrsproxy"]["requests"], t["mapi"]["requests"])'
}
want=$(counts < "$OUT/expected.json")
for run in "$BUILD/migcheck logs $OUT/logs" "wine $EXE logs $WINLOGS"; do
  # shellcheck disable=SC2086
  got=$( { $run --json || true; } | counts)
  if [ "$got" != "$want" ]; then
    echo "logs_windows.sh: '$run' counted '$got' requests, the generator wrote '$want'" >&2
    exit 1
  fi
done

mbs() { printf "%8s" "$(rate "$bytes" "$1")"; }

echo "migcheck logs, Linux build and migcheck.exe under wine: $((bytes / 1000000)) MB IIS log, $(nproc) CPUs, best of $RUNS"
t_lin=$(best_of "$BUILD/migcheck" logs "$OUT/logs" --json)
t_lin1=$(best_of env MIGCHECK_THREADS=1 "$BUILD/migcheck" logs "$OUT/logs" --json)
t_win=$(best_of wine "$EXE" logs "$WINLOGS" --json)
t_win1=$(best_of env MIGCHECK_THREADS=1 wine "$EXE" logs "$WINLOGS" --json)
t_nop=$(best_of wine "$EXE" --version)
printf "  %-48s %7ss %s MB/s\n" "migcheck logs (Linux, all CPUs)" "$t_lin" "$(mbs "$t_lin")"
printf "  %-48s %7ss %s MB/s\n" "migcheck logs (Linux, MIGCHECK_THREADS=1)" "$t_lin1" "$(mbs "$t_lin1")"
printf "  %-48s %7ss %s MB/s\n" "migcheck.exe logs (wine, all CPUs; indicative)" "$t_win" "$(mbs "$t_win")"
printf "  %-48s %7ss %s MB/s\n" "migcheck.exe logs (wine, 1 thread; indicative)" "$t_win1" "$(mbs "$t_win1")"
printf "  %-48s %7ss\n" "wine start-up alone (migcheck.exe --version)" "$t_nop"
