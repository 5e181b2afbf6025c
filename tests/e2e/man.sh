#!/bin/sh
# man.sh MIGCHECK DOCS_MAN - the committed manual page must be what the
# binary's tables make of it (run 'make man' after changing --help).
set -eu
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$1" --man > "$tmp"
if cmp -s "$tmp" "$2"; then
  echo "ok   docs/migcheck.1 matches migcheck --man"
  echo "1 passed, 0 failed"
else
  echo "FAIL docs/migcheck.1 differs from 'migcheck --man': run 'make man'"
  diff "$2" "$tmp" | head -20
  echo "0 passed, 1 failed"
  exit 1
fi
