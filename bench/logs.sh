#!/usr/bin/env bash
# logs.sh - how fast `migcheck logs` reads a 1 GB Exchange IIS log, next to
# ripgrep counting one substring, mawk doing the same aggregation, and zcat
# only decompressing. Warm page cache, best of N runs, MB/s and ratios.
# Figures only: nothing here asserts a time.
#
#   bench/logs.sh [BUILD]        (BUILD defaults to build; MB=1000 RUNS=3)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
MB=${MB:-1000}
RUNS=${RUNS:-3}
MIGCHECK=$BUILD/migcheck
GEN=$BUILD/bench/gen_iislog
OUT=bench/out/logs-$MB
LOG=$OUT/logs/EX01/W3SVC1/u_ex240312.log
GZ=$OUT/gz/EX01/W3SVC1/u_ex240312.log.gz

if [ ! -f "$LOG" ]; then
  echo "generating a $MB MB Exchange IIS log in $OUT ..."
  rm -rf "$OUT"
  "$GEN" "$OUT/logs" "$MB" 1 1
  mv "$OUT/logs/expected.json" "$OUT/expected.json"
fi
if [ ! -f "$GZ" ]; then
  echo "compressing it (gzip -6) ..."
  mkdir -p "$(dirname "$GZ")"
  gzip -6 -c "$LOG" > "$GZ"
fi
bytes=$(stat -c %s "$LOG")
gzbytes=$(stat -c %s "$GZ")
cat "$LOG" "$GZ" > /dev/null     # warm the page cache

# best_of CMD...: the shortest wall time of RUNS runs, in seconds.
best_of() {
  local best="" t0 t1 t
  for _ in $(seq "$RUNS"); do
    t0=$(date +%s.%N)
    "$@" > /dev/null 2>&1 || true
    t1=$(date +%s.%N)
    t=$(echo "$t1 $t0" | awk '{ printf "%.4f", $1 - $2 }')
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
  done
  echo "$best"
}

# The counts must be right before the speed means anything.
got=$( { "$MIGCHECK" logs "$OUT/logs" --json || true; } | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["traffic"]["mrsproxy"]["requests"], r["traffic"]["mapi"]["requests"])')
want=$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); print(e["traffic"]["mrsproxy"]["requests"], e["traffic"]["mapi"]["requests"])' "$OUT/expected.json")
if [ "$got" != "$want" ]; then
  echo "logs.sh: migcheck counted '$got' requests, the generator wrote '$want'" >&2
  exit 1
fi

echo "migcheck logs bench: $((bytes / 1000000)) MB IIS log ($((gzbytes / 1000000)) MB as .gz), $(nproc) CPUs, best of $RUNS"
t_mc=$(best_of "$MIGCHECK" logs "$OUT/logs" --json)
t_mc1=$(best_of env MIGCHECK_THREADS=1 "$MIGCHECK" logs "$OUT/logs" --json)
t_rg=$(best_of rg -c -F -i mrsproxy.svc "$LOG")
t_awk=$(best_of mawk -f bench/logs.awk "$LOG")
t_zcat=$(best_of zcat "$GZ")
t_mcgz=$(best_of "$MIGCHECK" logs "$OUT/gz" --json)
# GoAccess reads about 30 MB/s: time it on the first 100 MB of the same log
# (whole lines) and compare rates.
SLICE=$OUT/slice-100mb.log
if [ ! -f "$SLICE" ]; then
  head -c 100000000 "$LOG" | sed '$d' > "$SLICE"
fi
slicebytes=$(stat -c %s "$SLICE")
t_ga=""
if command -v goaccess > /dev/null; then
  t_ga=$(RUNS=1 best_of goaccess "$SLICE" --log-format=W3C --no-global-config \
         --date-format=%Y-%m-%d --time-format=%H:%M:%S -o "$OUT/goaccess.json")
fi
peak=$( { /usr/bin/time -f %M "$MIGCHECK" logs "$OUT/logs" --json > /dev/null || true; } 2>&1 | tail -n 1)

rate() { awk -v b="$bytes" -v t="$1" 'BEGIN { printf "%8.0f", b / 1e6 / t }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }
printf "  %-44s %7ss %s MB/s\n" "migcheck logs (all CPUs)" "$t_mc" "$(rate "$t_mc")"
printf "  %-44s %7ss %s MB/s\n" "migcheck logs (MIGCHECK_THREADS=1)" "$t_mc1" "$(rate "$t_mc1")"
printf "  %-44s %7ss %s MB/s\n" "rg -c -F -i mrsproxy.svc" "$t_rg" "$(rate "$t_rg")"
printf "  %-44s %7ss %s MB/s\n" "mawk, the same aggregation" "$t_awk" "$(rate "$t_awk")"
printf "  %-44s %7ss %s MB/s (of log text)\n" "zcat (decompress only)" "$t_zcat" "$(rate "$t_zcat")"
printf "  %-44s %7ss %s MB/s (of log text)\n" "migcheck logs on the .gz" "$t_mcgz" "$(rate "$t_mcgz")"
if [ -n "$t_ga" ]; then
  ga_rate=$(awk -v b="$slicebytes" -v t="$t_ga" 'BEGIN { printf "%8.0f", b / 1e6 / t }')
  printf "  %-44s %7ss %s MB/s (on the first %d MB)\n" "goaccess --log-format=W3C" "$t_ga" \
    "$ga_rate" "$((slicebytes / 1000000))"
  echo "  migcheck/goaccess by rate: $(awk -v a="$(rate "$t_mc")" -v b="$ga_rate" 'BEGIN { printf "%.0f", a / b }')x"
fi
echo "  ratios: migcheck/rg $(ratio "$t_mc" "$t_rg")x, one thread/rg $(ratio "$t_mc1" "$t_rg")x," \
     "migcheck/mawk $(ratio "$t_mc" "$t_awk")x, .gz migcheck/zcat $(ratio "$t_mcgz" "$t_zcat")x (above 1 = migcheck faster)"
echo "  peak resident memory of migcheck logs: $((peak / 1024)) MB (file pages of the mapping included)"
