#!/usr/bin/env python3
"""Known-answer test for `migcheck logs`: generate Exchange IIS logs with
bench/gen_iislog (which also writes the exact counts), run migcheck on them
and compare its "traffic" object with the expected one, key by key.

  known_answer.py MIGCHECK GEN_IISLOG [FAIL_THREADS_SO]

Runs the same logs plain and gzip-compressed, on one and two threads, with
each set of line-reading instructions (MIGCHECK_SIMD), and with tiny scan
ranges so that ranges start after the mid-file #Fields change (the layout
hand-over between ranges), and with pthread_create() failing after a few
threads (FAIL_THREADS_SO, tests/logs/fail_threads.c; the Windows runner,
tests/windows/run.py, has none to give). Then the mergeable summaries: each
server's logs summarized on its own (--summary), merged (--merge), must give
the very report one run over all the logs gives, but for the paths named and
the speed; a summary of merged summaries too. Prints "N passed, N failed".
"""
import gzip
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import tempfile


def run(migcheck, paths, env_extra, timeout=120):
    env = dict(os.environ, **env_extra)
    p = subprocess.run([migcheck, "logs", *paths, "--json"], capture_output=True, text=True,
                       env=env, timeout=timeout)
    if p.returncode not in (0, 1):
        raise RuntimeError(f"exit {p.returncode}: {p.stderr.strip()}")
    return json.loads(p.stdout)


def client_name(ip):
    """The name a client address goes by, as Python's ipaddress (not
    migcheck) gives it: a zone dropped, an IPv4-mapped IPv6 one as IPv4,
    IPv6 in its short form."""
    a = ipaddress.ip_address(ip.split("%")[0])
    return str(a.ipv4_mapped or a) if a.version == 6 else str(a)


def same_report(got, want, path=""):
    """Differences between two whole reports, but for what names the inputs
    (target; the facts and each cause's confirm line, which rerun the run's own
    inputs) and what measures the run (durations, the speed line)."""
    problems = []
    if isinstance(want, dict) and isinstance(got, dict):
        for k in sorted(set(want) | set(got)):
            if k in ("target", "duration_ms", "started", "run_id", "facts") and path == "":
                continue
            if k == "check" and path.startswith(".causes["):
                continue
            if k in ("duration_ms", "started_ms"):
                continue
            problems += same_report(got.get(k), want.get(k), f"{path}.{k}")
    elif isinstance(want, list) and isinstance(got, list):
        if len(got) != len(want):
            problems.append(f"{path}: {len(got)} items, expected {len(want)}")
        for i, (g, w) in enumerate(zip(got, want)):
            if isinstance(w, dict) and w.get("label") == "speed":
                continue
            problems += same_report(g, w, f"{path}[{i}]")
    elif got != want:
        problems.append(f"{path}: {str(got)[:200]!r}, expected {str(want)[:200]!r}")
    return problems


def run_args(migcheck, args):
    p = subprocess.run([migcheck, "logs", *args, "--json"], capture_output=True, text=True,
                       timeout=120)
    if p.returncode not in (0, 1):
        raise RuntimeError(f"{args}: exit {p.returncode}: {p.stderr.strip()}")
    return json.loads(p.stdout)


def merge_cases(migcheck, logs, tmp):
    """merge(summaries of the split logs) == one run over all of them."""
    results = []
    one = run_args(migcheck, [os.path.join(logs, "EX01"), os.path.join(logs, "EX02")])
    sums = []
    for srv in ("EX01", "EX02"):
        sums.append(os.path.join(tmp, srv + ".mcsum"))
        run_args(migcheck, [os.path.join(logs, srv), "--summary", sums[-1]])
    # What --merge refuses: options that belong to the summaries, no summary,
    # a file that is not one (a warning; nothing readable is exit 3).
    for args in (["--merge", "--since", "2024-03-12", *sums], ["--merge"]):
        p = subprocess.run([migcheck, "logs", *args], capture_output=True, text=True,
                           timeout=60)
        results.append((f"logs {' '.join(args[:3])}... is a usage error",
                        [] if p.returncode == 2 and p.stderr.count("\n") == 1 else
                        [f"exit {p.returncode}, stderr {p.stderr!r}"]))
    p = subprocess.run([migcheck, "logs", "--merge", os.path.join(logs, "EX01")],
                       capture_output=True, text=True, timeout=60)
    results.append(("a folder given to --merge: not a summary, exit 3",
                    [] if p.returncode == 3 and "is a folder, not a migcheck logs summary" in
                    p.stderr else
                    [f"exit {p.returncode}, stderr {p.stderr!r}"]))
    # A record whose key does not read back as its kind is refused, with its
    # line: a status key one byte longer than its strings, a client of an
    # endpoint that does not exist.
    with open(sums[0]) as f:
        text = f.read().split("\n")
    for what, prefix, change in (
            ("a status key one byte too long", "key 53", lambda k: k + "00"),
            ("a client of endpoint 9", "client ", lambda k: "09" + k[2:])):
        at = next(i for i, line in enumerate(text) if line.startswith(prefix))
        parts = text[at].split(" ")
        parts[1] = change(parts[1])
        bad = os.path.join(tmp, "bad.mcsum")
        with open(bad, "w") as f:
            f.write("\n".join(text[:at] + [" ".join(parts)] + text[at + 1:]))
        p = subprocess.run([migcheck, "logs", "--merge", bad], capture_output=True, text=True,
                           timeout=60)
        results.append((f"--merge refuses {what}, naming line {at + 1}",
                        [] if p.returncode == 3 and f"line {at + 1}:" in p.stderr else
                        [f"exit {p.returncode}, stderr {p.stderr!r}"]))
    merged = run_args(migcheck, ["--merge", *sums])
    results.append(("merge of the two servers' summaries == one run",
                    same_report(merged, one)))
    both = os.path.join(tmp, "both.mcsum")
    run_args(migcheck, ["--merge", *sums, "--summary", both])
    again = run_args(migcheck, ["--merge", both])
    results.append(("a summary of merged summaries == one run", same_report(again, one)))
    return results


def cloud_case(migcheck, logs, tmp, expected):
    """--cloud-ranges: the requests from clients in the ranges, per endpoint,
    as Python's ipaddress counts them from the generator's by_client."""
    ranges = ["40.92.0.0/15", "2a01:111:f400::/48"]
    path = os.path.join(tmp, "ranges.txt")
    with open(path, "w") as f:
        f.write("# Exchange Online\n" + "\n".join(ranges) + "\n")
    nets = [ipaddress.ip_network(r) for r in ranges]
    report = run_args(migcheck, [logs, "--cloud-ranges", path])
    problems = []
    for ep, want in expected["traffic"].items():
        cloud = sum(n for a, n in want["by_client"].items()
                    if any(ipaddress.ip_address(a) in net for net in nets
                           if ipaddress.ip_address(a).version == net.version))
        got = report["traffic"][ep].get("cloud_requests")
        if got != cloud:
            problems.append(f"{ep}: cloud_requests {got}, expected {cloud}")
    return [("--cloud-ranges: requests from the ranges, per endpoint", problems)]


def forms_case(migcheck, tmp):
    """One client written several ways (capitals, zeros in full, IPv4-mapped,
    a zone) in two servers' logs, read by two threads in small ranges: one
    client each, as Python's ipaddress names it, with all its requests."""
    forms = ["2001:DB8::1", "2001:db8:0:0:0:0:0:1", "2001:db8::1", "::ffff:10.0.0.9",
             "10.0.0.9", "::FFFF:10.0.0.9", "10.0.0.9", "fe80::1%11", "FE80:0::1",
             "2001:db8:0:1::", "2001:DB8:0:1:0:0:0:0"]
    fields = ("#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port "
              "cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus "
              "sc-win32-status time-taken\n")
    want = {}
    for i, srv in enumerate(("EX01", "EX02")):
        d = os.path.join(tmp, "forms", srv, "W3SVC1")
        os.makedirs(d)
        with open(os.path.join(d, "u_ex240312.log"), "w") as f:
            f.write(fields)
            for k, ip in enumerate(forms[i::2] * 3):
                f.write(f"2024-03-12 08:{k:02d}:00 10.0.0.5 POST /EWS/mrsproxy.svc - 443 - "
                        f"{ip} - - 200 0 0 15\n")
                name = client_name(ip)
                want[name] = want.get(name, 0) + 1
    report = run(migcheck, [os.path.join(tmp, "forms")],
                 {"MIGCHECK_THREADS": "2", "MIGCHECK_RANGE_BYTES": "300"})
    got = report["traffic"]["mrsproxy"]["by_client"]
    return [("one client however it is written, on two threads",
             [] if got == want else [f"by_client {got}, expected {want}"])]


def ties_case(migcheck, tmp):
    """More clients than the report lists (1000), most tied at one request:
    the list is the most requests first, then the names in text order
    ("10.0.0.1" before "9.0.0.1"), cut at 1000, on two threads and in small
    ranges. The judge orders tied IPv4 clients by a number that sorts as
    their text does; this holds it to the texts."""
    import random
    rnd = random.Random(7)
    fields = ("#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port "
              "cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus "
              "sc-win32-status time-taken\n")
    names = set()
    while len(names) < 3000:
        names.add("%d.%d.%d.%d" % tuple(rnd.choice((rnd.randrange(256), rnd.randrange(10),
                                                       rnd.randrange(100)))
                                        for _ in range(4)))
    while len(names) < 3300:
        names.add("2001:db8:%x::%x" % (rnd.randrange(1, 65536), rnd.randrange(1, 65536)))
    names = sorted(names)
    rnd.shuffle(names)
    want = {n: 1 + (i % 97 == 0) + (i % 389 == 0) for i, n in enumerate(names)}
    lines = [n for n, c in want.items() for _ in range(c)]
    rnd.shuffle(lines)
    for k, srv in enumerate(("EX01", "EX02")):
        d = os.path.join(tmp, "ties", srv, "W3SVC1")
        os.makedirs(d)
        with open(os.path.join(d, "u_ex240312.log"), "w") as f:
            f.write(fields)
            for i, ip in enumerate(lines[k::2]):
                f.write(f"2024-03-12 08:{i % 60:02d}:00 10.0.0.5 POST /EWS/mrsproxy.svc - 443 - "
                        f"{ip} - - 200 0 0 15\n")
    report = run(migcheck, [os.path.join(tmp, "ties")],
                 {"MIGCHECK_THREADS": "2", "MIGCHECK_RANGE_BYTES": "20000"})
    got = list(report["traffic"]["mrsproxy"]["by_client"].items())
    top = sorted(want.items(), key=lambda kv: (-kv[1], kv[0]))[:1000]
    problems = []
    if got != top:
        at = next((i for i, (g, w) in enumerate(zip(got, top)) if g != w), min(len(got), len(top)))
        problems.append(f"{len(got)} listed; first difference at {at}: "
                        f"{got[at:at + 3]}, expected {top[at:at + 3]}")
    rest = report["traffic"]["mrsproxy"].get("clients_not_listed", 0)
    if rest != len(want) - 1000:
        problems.append(f"clients_not_listed {rest}, expected {len(want) - 1000}")
    return [("1000 clients listed of 3300, ties in text order", problems)]


def edges_case(migcheck, tmp):
    """Addresses at the edges (0.0.0.0, which the client table keeps as the
    address 0; 255.255.255.255; "::"; "::1"; IPv4-mapped forms of both)
    first in the log, each with its own number of requests, then 20,000
    other clients, so the client table grows many times with them inside:
    on one and two threads, each edge address counted as Python's
    ipaddress names it, and the distinct clients as many as it finds.
    Growing the table lost 0.0.0.0 until 2026-12-03."""
    fields = ("#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port "
              "cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus "
              "sc-win32-status time-taken\n")
    edges = ["0.0.0.0", "255.255.255.255", "0.0.0.1", "1.0.0.0", "::", "::1", "::ffff:0.0.0.0",
             "::FFFF:255.255.255.255", "1::", "::ffff:0:0", "0:0:0:0:0:0:0:0",
             "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"]
    want = {}
    lines = []
    for i, ip in enumerate(edges):
        lines += [ip] * (100 + 7 * i)
    for i in range(20000):
        lines.append("10.%d.%d.%d" % (i >> 16, i >> 8 & 255, i & 255) if i % 3 else
                     "2001:db8:%x::%x" % (i >> 8, (i & 255) + 1))
    for ip in lines:
        name = client_name(ip)
        want[name] = want.get(name, 0) + 1
    d = os.path.join(tmp, "edges", "EX01", "W3SVC1")
    os.makedirs(d)
    with open(os.path.join(d, "u_ex240312.log"), "w") as f:
        f.write(fields)
        for k, ip in enumerate(lines):
            f.write(f"2024-03-12 08:{k % 60:02d}:00 10.0.0.5 POST /EWS/mrsproxy.svc - 443 - "
                    f"{ip} - - 200 0 0 15\n")
    results = []
    for threads in ("1", "2"):
        report = run(migcheck, [os.path.join(tmp, "edges")],
                     {"MIGCHECK_THREADS": threads, "MIGCHECK_RANGE_BYTES": "65536"})
        t = report["traffic"]["mrsproxy"]
        problems = []
        for ip in edges:
            name = client_name(ip)
            if t["by_client"].get(name) != want[name]:
                problems.append(f"{ip}: counted {t['by_client'].get(name)} as {name}, "
                                f"expected {want[name]}")
        distinct = len(t["by_client"]) + t.get("clients_not_listed", 0)
        if distinct != len(want) or t["requests"] != len(lines):
            problems.append(f"{distinct} clients, {t['requests']} requests; expected "
                            f"{len(want)} and {len(lines)}")
        results.append((f"edge addresses among 20,000 clients, {threads} thread(s)", problems))
    return results


def fewer_threads_case(migcheck, logs, expected, preload):
    """Four threads asked for, pthread_create() failing after 0, 1 or 2 of
    them (tests/logs/fail_threads.c under LD_PRELOAD): the threads that did
    start own the client table's parts among themselves and count every
    line once, in small ranges so that keys are shipped between them."""
    results = []
    asan = os.environ.get("ASAN_OPTIONS", "")
    for start in ("0", "1", "2"):
        env = {"MIGCHECK_THREADS": "4", "MIGCHECK_RANGE_BYTES": "65536",
               "LD_PRELOAD": preload, "MC_THREADS_THAT_START": start,
               # the sanitizers' runtime wants to be the first library loaded
               "ASAN_OPTIONS": (asan + ":" if asan else "") + "verify_asan_link_order=0"}
        try:
            report = run(migcheck, [logs], env, timeout=30)   # a lost owner hangs
            problems = diff(report["traffic"], expected["traffic"])
        except Exception as e:  # a broken case is a failed case
            problems = [f"{type(e).__name__}: {e}"]
        results.append((f"4 threads asked, {start} more could start", problems))
    return results


def diff(got, want, path="traffic"):
    problems = []
    if isinstance(want, dict):
        for k in sorted(set(want) | set(got or {})):
            if k == "cloud_requests" or k == "clients_not_listed":
                continue
            if not isinstance(got, dict) or k not in got:
                problems.append(f"{path}.{k}: missing, expected {want.get(k)!r}")
            elif k not in want:
                problems.append(f"{path}.{k}: unexpected {got[k]!r}")
            else:
                problems += diff(got[k], want[k], f"{path}.{k}")
    elif got != want:
        problems.append(f"{path}: {got!r}, expected {want!r}")
    return problems


def main():
    migcheck, gen = sys.argv[1], sys.argv[2]
    # tests/windows/run.py runs this on migcheck.exe under wine, where no
    # LD_PRELOAD module reaches its threads: it passes none.
    preload = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else None
    tmp = tempfile.mkdtemp(prefix="mc-known-")
    passed = failed = 0
    try:
        logs = os.path.join(tmp, "logs")
        subprocess.run([gen, logs, "6", "42", "2"], check=True)
        os.rename(os.path.join(logs, "expected.json"), os.path.join(tmp, "expected.json"))
        with open(os.path.join(tmp, "expected.json")) as f:
            expected = json.load(f)
        # The same logs compressed, in a layout like a copy from the servers.
        gz = os.path.join(tmp, "gz")
        for srv in ("EX01", "EX02"):
            src = os.path.join(logs, srv, "W3SVC1", "u_ex240312.log")
            dst_dir = os.path.join(gz, srv, "W3SVC1")
            os.makedirs(dst_dir)
            with open(src, "rb") as fi, gzip.open(os.path.join(dst_dir, "u_ex240312.log.gz"),
                                                  "wb") as fo:
                shutil.copyfileobj(fi, fo)
        cases = [
            ("plain, all threads", [logs], {}),
            ("plain, one thread", [logs], {"MIGCHECK_THREADS": "1"}),
            ("plain, 64 KiB ranges", [logs], {"MIGCHECK_RANGE_BYTES": "65536"}),
            ("plain, 1 MiB ranges, one thread", [logs],
             {"MIGCHECK_RANGE_BYTES": "1048576", "MIGCHECK_THREADS": "1"}),
            ("plain, AVX2 at most", [logs], {"MIGCHECK_SIMD": "avx2"}),
            ("plain, SSE2 only (no blocks)", [logs], {"MIGCHECK_SIMD": "sse2"}),
            ("gzip", [gz], {}),
            ("two paths", [os.path.join(logs, "EX01"), os.path.join(logs, "EX02")], {}),
        ]
        results = []
        for name, paths, env in cases:
            try:
                report = run(migcheck, paths, env)
                problems = diff(report["traffic"], expected["traffic"])
                lines = sum(f["lines"] for f in report["log_files"])
                if lines != expected["lines"]:
                    problems.append(f"lines {lines}, expected {expected['lines']}")
                bad = [f for f in report["log_files"] if f["malformed_lines"] or f["problem"]]
                if bad:
                    problems.append(f"problems reported: {bad}")
            except Exception as e:  # a broken case is a failed case
                problems = [f"{type(e).__name__}: {e}"]
            results.append((name, problems))
        try:
            results += cloud_case(migcheck, logs, tmp, expected)
        except Exception as e:  # a broken case is a failed case
            results.append(("cloud", [f"{type(e).__name__}: {e}"]))
        try:
            results += forms_case(migcheck, tmp)
        except Exception as e:  # a broken case is a failed case
            results.append(("forms", [f"{type(e).__name__}: {e}"]))
        try:
            results += edges_case(migcheck, tmp)
        except Exception as e:  # a broken case is a failed case
            results.append(("edges", [f"{type(e).__name__}: {e}"]))
        try:
            results += ties_case(migcheck, tmp)
        except Exception as e:  # a broken case is a failed case
            results.append(("ties", [f"{type(e).__name__}: {e}"]))
        if preload:
            try:
                results += fewer_threads_case(migcheck, logs, expected, preload)
            except Exception as e:  # a broken case is a failed case
                results.append(("fewer threads", [f"{type(e).__name__}: {e}"]))
        else:
            print("note the cases with pthread_create() failing need FAIL_THREADS_SO: not run")
        try:
            results += merge_cases(migcheck, logs, tmp)
        except Exception as e:  # a broken case is a failed case
            results.append(("merge", [f"{type(e).__name__}: {e}"]))
        for name, problems in results:
            if problems:
                failed += 1
                print(f"FAIL {name}:\n  " + "\n  ".join(problems[:20]))
            else:
                passed += 1
                print(f"ok   {name}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
