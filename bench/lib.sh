# lib.sh - what the benches share; sourced (`. bench/lib.sh`), never run.
# shellcheck shell=bash
# RUNS (default 3) is the number of runs best_of takes the best of.
# Figures only: nothing here asserts a time.
RUNS=${RUNS:-3}

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

# wall_of CMD...: the wall time of one run, in seconds.
wall_of() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > /dev/null 2>&1 || true
  t1=$(date +%s.%N)
  echo "$t1 $t0" | awk '{ printf "%.4f", $1 - $2 }'
}

# best_in_turn F1 F2 ...: the shortest wall time of RUNS runs of each of
# the shell functions F1 F2 ..., run in turn (F1, F2, ..., F1, F2, ...),
# one line of times in that order. On a machine whose speed moves with
# other work, each command then meets the same slow and fast moments: a
# ratio of two commands timed one after the other (all runs of one, then
# all of the other) moved by a third between runs of the bench.
best_in_turn() {
  local -a fastest=()
  local i t
  for _ in $(seq "$RUNS"); do
    i=0
    for f in "$@"; do
      t=$(wall_of "$f")
      if [ -z "${fastest[i]:-}" ] || awk -v a="$t" -v b="${fastest[i]}" 'BEGIN { exit !(a < b) }'; then
        fastest[i]=$t
      fi
      i=$((i + 1))
    done
  done
  echo "${fastest[*]}"
}

# cpu_of CMD...: the least user + system seconds of RUNS runs. On a machine
# shared with other work the wall time mostly measures the wait for a CPU;
# the CPU time much less so.
cpu_of() {
  local best="" t
  for _ in $(seq "$RUNS"); do
    t=$( { /usr/bin/time -f "%U %S" "$@" 2>&1 > /dev/null | tail -n 1; } || true)
    t=$(echo "$t" | awk '{ printf "%.3f", $1 + $2 }')
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
  done
  echo "$best"
}

# rate BYTES SECONDS: MB/s.  ratio A B: B / A.
rate() { awk -v b="$1" -v t="$2" 'BEGIN { if(t > 0) printf "%.0f", b / 1e6 / t; else printf "-" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }

# peak_mb CMD...: the peak resident memory of one run, MB.
peak_mb() {
  local kb
  kb=$( { /usr/bin/time -f %M "$@" 2>&1 > /dev/null | tail -n 1; } || true)
  echo $((kb / 1024))
}
