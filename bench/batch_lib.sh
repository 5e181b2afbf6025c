# bench/batch_lib.sh - sourced by bench/batch.sh and bench/remote_move.sh:
# lab_start ARGS... serves `migcheck lab ARGS --json` in the background
# (its pid in $lab, its output in $tmp/lab.json), ends it and removes $tmp
# on exit, and waits until the lab says it is ready (at most TRIES times
# 50 ms, default 300). Needs $MIGCHECK and $tmp.

lab_start() {
  "$MIGCHECK" lab "$@" --json >"$tmp/lab.json" 2>"$tmp/lab.err" &
  lab=$!
  trap 'kill $lab 2>/dev/null; wait $lab 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
  i=0
  until grep -q '"ready"' "$tmp/lab.json" 2>/dev/null; do
    i=$((i + 1))
    [ $i -lt "${TRIES:-300}" ] || { echo "bench: the lab did not start: $(cat "$tmp/lab.err")" >&2; exit 3; }
    sleep 0.05
  done
}
