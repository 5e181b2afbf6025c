#!/bin/sh
# style.sh SRCDIR - the rules of STYLE.md a script can check: no banned libc
# calls (strcpy, sprintf, strtok, gets, strcat) anywhere in the C sources,
# and every file opened for reading outside the lab goes through
# mc_input_open() (lib/util/input.c), so that a FIFO can never block a run.
set -u
cd "$1" || exit 1
passed=0
failed=0
hits=$(grep -rnE '\b(strcpy|sprintf|strtok|gets|strcat)\(' --include='*.c' --include='*.h' \
       lib src tests fuzz bench 2>/dev/null)
if [ -n "$hits" ]; then
  echo "FAIL banned libc calls (see STYLE.md):"
  echo "$hits"
  failed=$((failed + 1))
else
  echo "ok   no strcpy, sprintf, strtok, gets or strcat in the C sources"
  passed=$((passed + 1))
fi
# Opens for writing, the terminal, /dev/null, /proc, and json.c's own open()
# are not inputs.
opens=$(grep -rnE '(^|[^_a-z])(fopen|open|openat|gzopen)\(' --include='*.c' lib src 2>/dev/null |
        grep -vE '^lib/lab/|^lib/util/input\.c:|"/dev/(tty|null)"|"/proc/|, "[wa]b?"\)|O_WRONLY|O_CREAT' |
        grep -vE '^lib/util/json\.c:.*(static void open\(|open\(j, )|/\*.*open\(\).*\*/')
if [ -n "$opens" ]; then
  echo "FAIL files opened for reading without mc_input_open() (lib/util/input.c):"
  echo "$opens"
  failed=$((failed + 1))
else
  echo "ok   every input file is opened through mc_input_open()"
  passed=$((passed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
