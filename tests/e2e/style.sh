#!/bin/sh
# style.sh SRCDIR - the rules of STYLE.md a script can check: no banned libc
# calls (strcpy, sprintf, strtok, gets, strcat) anywhere in the C sources.
set -u
cd "$1" || exit 1
hits=$(grep -rnE '\b(strcpy|sprintf|strtok|gets|strcat)\(' --include='*.c' --include='*.h' \
       lib src tests fuzz bench 2>/dev/null)
if [ -n "$hits" ]; then
  echo "FAIL banned libc calls (see STYLE.md):"
  echo "$hits"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "ok   no strcpy, sprintf, strtok, gets or strcat in the C sources"
echo "1 passed, 0 failed"
