#!/bin/sh
# bench/batch.sh BUILD - many endpoints at once: migcheck batch over ROWS
# rows (default 200: the lab's scenarios repeated) with --parallel 16
# against `migcheck lab --all`. Prints the total wall time beside the
# slowest single row (the blackhole and trickle scenarios wait for their
# --timeout of 3 s), their ratio (target: at most 3), and the peak RSS of
# the batch process and of the largest row's child; twice: in file order,
# then longest first by the first pass's times. Exits 1 when the second
# ratio is above 3.
set -eu

BUILD=${1:-build}
ROWS=${ROWS:-200}
PARALLEL=${PARALLEL:-16}
MIGCHECK="$BUILD/migcheck"
[ -x "$MIGCHECK" ] || { echo "bench: no $MIGCHECK (make build first)" >&2; exit 2; }

. "$(dirname "$0")/batch_lib.sh"
tmp=$(mktemp -d)
TRIES=600 lab_start --all
file=$(python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).readlines()[-1])['batch_file'])" "$tmp/lab.json")

# ROWS rows: the scenarios' rows, repeated.
python3 - "$file" "$tmp/rows.csv" "$ROWS" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
head, rows, n = lines[0], lines[1:], int(sys.argv[3])
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write(head + "\n")
    for i in range(n):
        f.write(rows[i % len(rows)] + "\n")
PY

lab_cpu() { awk '{print ($14 + $15) * 10}' "/proc/$lab/stat"; }   # ms, at 100 ticks/s

# One batch over the rows and its figures; $1 names the pass. The rows start
# longest first by the times of an earlier batch (docs/batch.md): the first
# pass has none, the second has the first's.
export MIGCHECK_BATCH_HISTORY="$tmp/times"
run_pass() {
  lab0=$(lab_cpu)
  set +e
  MIGCHECK_BATCH_RUSAGE=1 "$MIGCHECK" batch "$tmp/rows.csv" --parallel "$PARALLEL" --timeout 3 \
    --jsonl >"$tmp/out.jsonl" 2>"$tmp/err.txt"
  rc=$?
  set -e
  lab1=$(lab_cpu)
  [ $rc -le 3 ] || { echo "bench: batch failed (exit $rc): $(tail -3 "$tmp/err.txt")" >&2; exit 3; }
  python3 - "$tmp/out.jsonl" "$tmp/err.txt" "$ROWS" "$PARALLEL" "$((lab1 - lab0))" "$1" <<'PY'
import json, os, re, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.startswith('{"row"')]
usage = dict(re.findall(r"(\w+)=(\d+)", open(sys.argv[2]).read()))
total, slowest = int(usage["total_ms"]), int(usage["slowest_ms"])
mean = sum(r["ms"] for r in rows) / max(len(rows), 1)
ratio = total / slowest
errors = sum(1 for r in rows if r["verdict"] == "error")
print(f"batch ({sys.argv[6]}): {len(rows)} of {sys.argv[3]} rows with --parallel {sys.argv[4]} "
      f"in {total} ms; slowest row {slowest} ms, mean row {mean:.0f} ms; {errors} rows could "
      f"not run")
load = os.getloadavg()[0]
print(f"batch: total / slowest row = {ratio:.2f} (target <= 3; load average {load:.1f} on "
      f"{os.cpu_count()} CPUs)")
cpu = (int(usage["cpu_ms"]) + int(usage["child_cpu_ms"]) + int(sys.argv[5])) / 1000
floor = max(cpu / os.cpu_count(), slowest / 1000)
print(f"batch: CPU {cpu:.1f} s (rows, batch and lab): on {os.cpu_count()} idle CPUs no less "
      f"than {floor:.1f} s, a ratio of {floor * 1000 / slowest:.2f}")
print(f"batch: peak RSS {int(usage['peak_rss_kb']) // 1024} MiB in the batch process, "
      f"{int(usage['child_peak_rss_kb']) // 1024} MiB in the largest row's child")
sys.exit(0 if ratio <= 3 and len(rows) == int(sys.argv[3]) and not errors else 1)
PY
}
run_pass "first, file order" || true
run_pass "second, longest first from the first's times"
