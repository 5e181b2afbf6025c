#!/usr/bin/env python3
"""scenarios.py - every lab scenario has an end-to-end case and is in the demo.

    scenarios.py MIGCHECK CASES_DIR

Adding a scenario is one row in lib/lab/scenarios.c plus one .case file under
tests/e2e/cases. This test holds the second half: it reads the scenario table
as the binary lists it (migcheck lab --list --json) and fails for a scenario
that no case serves (`scenario: NAME`), and for a case that names a scenario
the table does not have. The demo walks the same table: `migcheck demo`
starts the lab with no scenario named, and tests/unit/lab/test_scenarios.c
checks that such a lab serves every row, in order; here the demo's own
header line must count them all.
"""
import glob
import json
import os
import re
import subprocess
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: scenarios.py MIGCHECK CASES_DIR")
    migcheck, cases_dir = sys.argv[1], sys.argv[2]
    out = subprocess.run([migcheck, "lab", "--list", "--json"], check=True,
                         capture_output=True, text=True, timeout=60).stdout
    table = [row["scenario"] for row in json.loads(out)]
    served = {}
    for path in sorted(glob.glob(os.path.join(cases_dir, "*.case"))):
        with open(path, encoding="utf-8") as f:
            m = re.search(r"^scenario:\s*(\S+)\s*$", f.read(), re.M)
        if m and m.group(1) != "none":
            served.setdefault(m.group(1), []).append(os.path.basename(path))
    passed = failed = 0
    for name in table:
        if name in served:
            passed += 1
        else:
            failed += 1
            print(f"FAIL scenario {name}: no tests/e2e/cases/*.case has 'scenario: {name}'")
    for name, files in sorted(served.items()):
        if name not in table:
            failed += 1
            print(f"FAIL {', '.join(files)}: scenario {name} is not in the table")
    # The demo's header names how many scenarios it runs; stop it there (the
    # runs themselves take minutes and are not this test's business).
    demo = subprocess.Popen([migcheck, "demo", "--no-color"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        head = demo.stdout.readline()
    finally:
        demo.kill()
        demo.wait()
    m = re.match(r"migcheck demo: (\d+) lab scenarios", head)
    if m and int(m.group(1)) == len(table):
        passed += 1
    else:
        failed += 1
        print(f"FAIL migcheck demo runs {m.group(1) if m else '?'} scenarios, the table has "
              f"{len(table)}: {head.strip()!r}")
    print(f"scenarios: {len(table)} in the table, {len(served)} served by cases")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
