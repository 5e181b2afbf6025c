#!/usr/bin/env bash
# run.sh - `make bench`: runs every bench/*.sh except itself, each with the
# build directory as its argument, and prints their figures.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
rc=0
for b in bench/*.sh; do
  [ "$(basename "$b")" = run.sh ] && continue
  echo "== $b"
  "$b" "$BUILD" || rc=1
done
exit $rc
