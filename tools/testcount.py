#!/usr/bin/env python3
"""testcount.py - the closing line of 'make test': how many tests ran, per suite.

    tools/testcount.py BUILD [--ci]

Reads what the build defines (meson introspect --tests) and what the last
'meson test' recorded (BUILD/meson-logs/testlog.json), and prints one line:

    tests: unit 20/20 (96 cases), e2e 9/9 (...), peer 8/8, fuzz-replay 16/16 (...)

"ran/expected" counts test programs; the number in brackets counts the cases
inside them, from each program's own closing line. What a suite is expected
to hold does not come from the build alone (a build configured without a
dependency defines fewer tests): unit is one program per tests/unit/*/test_*.c,
fuzz-replay one per fuzz/fuzz_*.c, e2e and peer one per test() row of that
suite in tests/meson.build, in the source tree.

Fails (exit 1) when a suite expected by the build ran zero tests. With --ci
(or CI=true in the environment) it also fails when any suite ran fewer tests
than it defines: a skipped test or a left-out suite turns CI red.
"""
import glob
import json
import os
import re
import subprocess
import sys

SUITES = ("unit", "e2e", "peer", "fuzz")
LABEL = {"fuzz": "fuzz-replay"}
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def defined_tests(build):
    out = subprocess.run(["meson", "introspect", "--tests", build], check=True,
                         capture_output=True, text=True).stdout
    tests = {}
    for t in json.loads(out):
        suites = [s.split(":", 1)[-1] for s in t["suite"]]
        tests[t["name"]] = next((s for s in suites if s in SUITES), suites[0] if suites else "")
    return tests


def source_expected():
    """What the source tree says each suite must hold, whatever was configured."""
    with open(os.path.join(ROOT, "tests", "meson.build"), encoding="utf-8") as f:
        rows = re.findall(r"suite\s*:\s*'(\w+)'", f.read())
    return {
        "unit": len(glob.glob(os.path.join(ROOT, "tests", "unit", "*", "test_*.c"))),
        "e2e": rows.count("e2e"),
        "peer": rows.count("peer"),
        "fuzz": len(glob.glob(os.path.join(ROOT, "fuzz", "fuzz_*.c"))),
    }


def inner_cases(stdout):
    """The number of cases a test program reports in its own closing line."""
    m = re.findall(r"\[  PASSED  \] (\d+) test", stdout)          # cmocka
    if m:
        n = sum(int(x) for x in m)
        return n + sum(int(x) for x in re.findall(r"\[  FAILED  \] (\d+) test", stdout))
    m = re.findall(r"replayed (\d+) inputs", stdout)                # fuzz/replay.c
    if m:
        return int(m[-1])
    m = re.findall(r"(\d+) passed, (\d+) failed", stdout)           # python runners
    if m:
        return int(m[-1][0]) + int(m[-1][1])
    return None


def main(argv):
    if len(argv) < 2:
        print("usage: testcount.py BUILD [--ci]", file=sys.stderr)
        return 2
    build = argv[1]
    strict = "--ci" in argv[2:] or os.environ.get("CI") == "true"
    tests = defined_tests(build)
    log = os.path.join(build, "meson-logs", "testlog.json")
    results = {}
    if os.path.exists(log):
        with open(log, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                # "project:suite / name"
                results[r["name"].split(" / ", 1)[-1]] = r
    expected = {s: sum(1 for v in tests.values() if v == s) for s in SUITES}
    for s, n in source_expected().items():
        expected[s] = max(expected[s], n)
    ran = dict.fromkeys(SUITES, 0)
    cases = dict.fromkeys(SUITES, 0)
    skipped, failed, problems = [], [], []
    for name, suite in tests.items():
        r = results.get(name)
        if r is None:
            skipped.append(name + " (not run)")
            continue
        if r["result"] == "SKIP":
            skipped.append(name)
            continue
        if r["result"] != "OK":
            failed.append(name)
        if suite in ran:
            ran[suite] += 1
            cases[suite] += inner_cases((r.get("stdout") or "") + (r.get("stderr") or "")) or 0
    parts = []
    for s in SUITES:
        part = f"{LABEL.get(s, s)} {ran[s]}/{expected[s]}"
        if cases[s]:
            part += f" ({cases[s]} cases)" if s != "fuzz" else f" ({cases[s]} inputs)"
        parts.append(part)
        if expected[s] and ran[s] == 0:
            problems.append(f"suite {LABEL.get(s, s)} ran no test")
        elif strict and ran[s] != expected[s]:
            problems.append(f"suite {LABEL.get(s, s)} ran {ran[s]} of the {expected[s]} "
                            "tests it defines")
    tail = f"; {len(failed)} failed, {len(skipped)} skipped"
    print("tests: " + ", ".join(parts) + tail)
    if skipped:
        print("  skipped: " + ", ".join(skipped))
    for p in problems:
        print("testcount: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
