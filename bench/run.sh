#!/bin/sh
# run.sh - runs every benchmark in bench/ (each bench/*.sh but this one) with
# the built binary, one after the other. Each prints its own figures and the
# ratios against the reference tools it names, all measured in the same run.
#   bench/run.sh BUILD_DIR
set -eu
build=${1:-build}
here=$(dirname "$0")
status=0
for b in "$here"/*.sh; do
  [ "$(basename "$b")" = run.sh ] && continue
  echo "== $(basename "$b" .sh)"
  sh "$b" "$build" || status=1
  echo
done
exit $status
