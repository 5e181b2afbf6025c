#!/usr/bin/env bash
# run.sh - `make bench`: runs every bench/*.sh except itself and the *lib.sh
# helpers they source, each with the build directory as its argument, and
# prints their figures.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
rc=0
for b in bench/*.sh; do
  case $(basename "$b") in run.sh|*lib.sh) continue ;; esac   # itself, sourced helpers
  echo "== $b"
  "$b" "$BUILD" || rc=1
done
exit $rc
