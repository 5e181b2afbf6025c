#!/usr/bin/env python3
"""The client table's prefetches are in the binary.

  prefetch.py MIGCHECK

The scan adds its clients a batch at a time (mc_cset_add_clients()),
fetching each one's slot, then an IPv6 address's text, before the adds;
the merge of the client tables fetches eight keys ahead (lib/logs/cset.h). Both live in tiny inline functions whose only statement
is __builtin_prefetch; GCC 12 judged such a function free of side effects
and dropped every call to it before inlining, so for months the binary
held no prefetch but the block reader's, and nothing said so. No test can
time the difference; this one reads the disassembly (objdump) and fails
when a function that adds clients holds no prefetch instruction. Prints
"N passed, N failed".
"""
import re
import subprocess
import sys


def main():
    exe = sys.argv[1]
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", exe], check=True,
                         capture_output=True, text=True).stdout
    per_fn = {}
    fn = None
    for line in out.splitlines():
        m = re.match(r"^[0-9a-f]+ <([^>]+)>:$", line)
        if m:
            fn = m.group(1)
            continue
        if fn and re.search(r"\bprefetch(t0|t1|t2|nta|w)?\b", line):
            per_fn[fn] = per_fn.get(fn, 0) + 1
    checks = [
        ("the block reader prefetches the next page",
         any(f.startswith("fill_") for f in per_fn)),
        ("the merge of client tables prefetches (mc_cset_merge)",
         per_fn.get("mc_cset_merge", 0) >= 1),
        ("the scan's batch of clients prefetches their slots and texts "
         "(mc_cset_add_clients, two prefetches at least)",
         per_fn.get("mc_cset_add_clients", 0) >= 2),
    ]
    failed = 0
    for what, ok in checks:
        print(("ok   " if ok else "FAIL ") + what)
        failed += not ok
    if failed:
        print("prefetch instructions per function: %s" % per_fn)
    print("%d passed, %d failed" % (len(checks) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
