#!/bin/sh
# wine-migcheck.sh - runs migcheck.exe ($MC_WIN_EXE) under wine as if it were
# the Linux migcheck, for the test scripts written for that one: arguments
# that name an existing Unix path are handed over as Windows paths (Z: is
# wine's drive for /, separators become backslashes), so the .exe gets the
# C:\... form it gets on a server. WINEPREFIX and WINEDEBUG come from
# tests/windows/run.py.
n=$#
while [ "$n" -gt 0 ]; do
  a=$1
  shift
  case $a in
    /*) if [ -e "$a" ] || [ -e "$(dirname "$a")" ]; then
          a="Z:$(printf '%s' "$a" | tr '/' '\\')"
        fi ;;
  esac
  set -- "$@" "$a"
  n=$((n - 1))
done
exec wine "$MC_WIN_EXE" "$@"
