#!/usr/bin/env python3
"""End-to-end cases: one small file per case, run against the real lab.

A case file (tests/e2e/cases/*.case) holds lines "key: value":
  scenario: NAME         the lab scenario to serve ("none": no lab site needed,
                         e.g. migcheck logs on the files in tests/data; {data}
                         in the command is that folder)
  command:  WORDS        migcheck's arguments; {target} {host} {port} {args}
                         {ca} are replaced from the lab's description
  causes:   ID ID ...    the exact cause ids expected (or "none")
  exit:     N            the exact exit code expected
  verdict:  pass|warn|fail|unknown   (optional)
  env:      NAME=VALUE   (optional, repeatable)
  max_seconds: N         (optional) a hang detector, not a benchmark: the run
                         must end within N seconds (set it far above --timeout)
  max_memory_mb: N       (optional) a memory ceiling: the run gets RLIMIT_AS of
                         N MiB (under ASan, which reserves terabytes of address
                         space, ASAN_OPTIONS=hard_rss_limit_mb=N with a small
                         quarantine instead) and
                         must still end with the expected exit code and causes
Lines starting with # are comments.

The runner starts one lab serving every scenario (migcheck lab --json), runs
each case with --json, compares, stops the lab, and prints a closing line
"N passed, N failed".
"""
import json
import os
import resource
import subprocess
import sys
import time


def parse_case(path):
    case = {"env": {}}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if ":" not in line:
                raise ValueError(f"{path}:{n}: expected 'key: value'")
            key, value = line.split(":", 1)
            key, value = key.strip(), value.strip()
            if key == "env":
                k, v = value.split("=", 1)
                case["env"][k] = v
            else:
                case[key] = value
    for need in ("scenario", "command", "causes", "exit"):
        if need not in case:
            raise ValueError(f"{path}: missing '{need}:'")
    return case


def start_lab(migcheck):
    lab = subprocess.Popen([migcheck, "lab", "--json"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    sites = {}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = lab.stdout.readline()
        if not line:
            raise RuntimeError("lab exited early: " + lab.stderr.read())
        obj = json.loads(line)
        if obj.get("ready"):
            return lab, sites
        sites[obj["scenario"]] = obj
    raise RuntimeError("lab did not get ready in 60 s")


DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")


def expand(command, site):
    words = []
    for w in command.split():
        if site is None:
            words.append(w.replace("{data}", DATA))
            continue
        if w == "{args}":
            words.extend(site["args"])
            continue
        words.append(w.replace("{target}", site["target"]).replace("{host}", site["host"])
                     .replace("{port}", str(site["port"])).replace("{ca}", site["ca_file"]))
    return words


def is_asan(migcheck):
    with open(migcheck, "rb") as f:
        return b"__asan_init" in f.read()


def memory_ceiling(case, env, asan):
    """The preexec function that caps the child's memory (None: no ceiling)."""
    if "max_memory_mb" not in case:
        return None
    mb = int(case["max_memory_mb"])
    if asan:
        # ASan keeps up to 256 MiB of freed memory in quarantine: shrink it, so
        # that the ceiling measures what the program holds.
        env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS", ""),
                                                     "quarantine_size_mb=8",
                                                     f"hard_rss_limit_mb={mb}"]))
        return None

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (mb << 20, mb << 20))
    return cap


def main():
    migcheck, cases_dir = sys.argv[1], sys.argv[2]
    asan = is_asan(migcheck)
    only = sys.argv[3:]
    lab, sites = start_lab(migcheck)
    passed = failed = 0
    try:
        for name in sorted(os.listdir(cases_dir)):
            if not name.endswith(".case") or (only and name[:-5] not in only):
                continue
            path = os.path.join(cases_dir, name)
            try:
                case = parse_case(path)
                site = None if case["scenario"] == "none" else sites[case["scenario"]]
                argv = [migcheck] + expand(case["command"], site) + ["--json"]
                env = dict(os.environ, **case["env"])
                cap = memory_ceiling(case, env, asan)
                t0 = time.monotonic()
                p = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120,
                                   preexec_fn=cap, stdin=subprocess.DEVNULL)
                ms = int((time.monotonic() - t0) * 1000)
                report = json.loads(p.stdout)
                got = sorted(c["id"] for c in report["causes"])
                want = [] if case["causes"] == "none" else sorted(case["causes"].split())
                problems = []
                if got != want:
                    problems.append(f"causes {got}, expected {want}")
                if p.returncode != int(case["exit"]):
                    problems.append(f"exit {p.returncode}, expected {case['exit']}")
                # A problem must always be named: no failure without a cause.
                if report["verdict"] in ("fail", "warn") and not report["causes"]:
                    problems.append(f"verdict {report['verdict']} with no cause named")
                if "max_seconds" in case and ms > int(case["max_seconds"]) * 1000:
                    problems.append(f"took {ms} ms, more than {case['max_seconds']} s: a hang")
                if "verdict" in case and report["verdict"] != case["verdict"]:
                    problems.append(f"verdict {report['verdict']}, expected {case['verdict']}")
                if problems:
                    failed += 1
                    print(f"FAIL {name}: {'; '.join(problems)}\n  {' '.join(argv)}\n"
                          f"  stderr: {p.stderr.strip()}")
                else:
                    passed += 1
                    print(f"ok   {name} ({ms} ms): {', '.join(got) or report['verdict']}")
            except Exception as e:  # a broken case is a failed case
                failed += 1
                print(f"FAIL {name}: {type(e).__name__}: {e}")
    finally:
        lab.terminate()
        try:
            lab.wait(timeout=20)
        except subprocess.TimeoutExpired:
            lab.kill()
            print("FAIL lab did not stop within 20 s of SIGTERM")
            failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
