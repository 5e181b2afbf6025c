#!/usr/bin/env python3
"""migcheck batch and --endpoint-file against the lab (loopback only).

1. `migcheck lab --all` writes a batch file for every scenario; each
   scenario's own command run alone, then the whole file as one batch
   (--parallel 8): every row must name exactly the causes of its single run,
   and those must be the scenario's expected causes.
2. An endpoint file with the three endpoint types (and one that names an
   internal server, and one of a type migcheck does not check), in the three
   forms PowerShell writes (Format-List, Export-Csv, ConvertTo-Json).
3. What a batch refuses (a password column), a row that cannot run, the
   outputs (--jsonl, --csv, --html), and Ctrl-C mid-batch.
Prints "N passed, N failed".
"""
import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

MIGCHECK = sys.argv[1]
results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    if ok:
        results["passed"] += 1
        print(f"ok   {name}")
    else:
        results["failed"] += 1
        print(f"FAIL {name}: {detail}")


def start_lab():
    lab = subprocess.Popen([MIGCHECK, "lab", "--all", "--json"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    sites = {}
    while True:
        line = lab.stdout.readline()
        if not line:
            raise RuntimeError("lab exited early: " + lab.stderr.read())
        obj = json.loads(line)
        if obj.get("ready"):
            return lab, sites, obj
        sites[obj["scenario"]] = obj


def single_runs(sites):
    """Each scenario's own command, alone, as a user types it."""
    got = {}
    for name, s in sites.items():
        env = dict(os.environ)
        if s.get("password"):
            env["MIGCHECK_PASSWORD"] = s["password"]
        argv = [MIGCHECK] + s["command"].split() + ["--timeout", "3", "--json"]
        p = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
        got[name] = sorted(c["id"] for c in json.loads(p.stdout)["causes"])
    return got


def all_scenarios(sites, ready, tmp):
    single = single_runs(sites)
    html, out_csv = os.path.join(tmp, "all.html"), os.path.join(tmp, "all.csv")
    p = subprocess.run([MIGCHECK, "batch", ready["batch_file"], "--timeout", "3", "--json",
                        "--parallel", "8", "--html", html, "--csv", out_csv],
                       capture_output=True, text=True, timeout=300)
    doc = json.loads(p.stdout)
    password = next(s["password"] for s in sites.values() if s.get("password"))
    outputs = [p.stdout, p.stderr, open(ready["batch_file"], encoding="utf-8").read(),
               open(html, encoding="utf-8").read(), open(out_csv, encoding="utf-8").read()]
    check("the password is in no batch output and not in the batch file",
          not any(password in o for o in outputs))
    names = [r["name"] for r in csv.DictReader(open(ready["batch_file"], encoding="utf-8"))]
    check("lab --all: a batch row per scenario", len(names) == len(sites) >= 50,
          f"{len(names)} rows, {len(sites)} scenarios")
    rows = {r["row"]: r for r in doc["results"]}
    diffs = []
    for i, name in enumerate(names, 1):
        batch = sorted(rows[i]["causes"]) if i in rows else None
        want = sorted(sites[name]["expect"])
        if batch != single[name] or batch != want:
            diffs.append(f"{name}: batch {batch}, single {single[name]}, expected {want}")
    check(f"batch over {len(names)} scenarios: each row's causes = its single run's",
          not diffs, "; ".join(diffs))
    run_ids = [r["run_id"] for r in doc["results"] if r["run_id"]]
    check("each row its own run id", len(run_ids) == len(set(run_ids)) and len(run_ids) > 30,
          f"{len(run_ids)} ids, {len(set(run_ids))} distinct")
    check("batch exit code is the worst verdict (fail: 1)", p.returncode == 1 and
          doc["verdict"] == "fail", f"exit {p.returncode}, verdict {doc['verdict']}")
    check("batch counts add up", sum(doc["counts"].values()) == len(names), str(doc["counts"]))
    rec = {r["id"]: r["count"] for r in doc["recurring"]}
    check("recurring causes across rows", rec.get("HTTP_PREAUTH") == 2 and
          rec.get("OA_PORT_NOT_ALLOWED") == 2, str(rec))


ENDPOINTS = """
Identity                : Hybrid Migration Endpoint - EWS (Default Web Site)
EndpointType            : ExchangeRemoteMove
RemoteServer            : {rm_host}
Port                    : {rm_port}
Username                : CONTOSO\\migadmin
MaxConcurrentMigrations : 20

Identity                : Cutover
EndpointType            : ExchangeOutlookAnywhere
ExchangeServer          : ex01.contoso.local
RpcProxyServer          : {oa_host}
Port                    : {oa_port}
Authentication          : NTLM
Username                : CONTOSO\\migadmin

Identity                : IMAP
EndpointType            : IMAP
RemoteServer            : {im_host}
Port                    : {im_port}
Security                : Ssl
Username                : migadmin@contoso.test

Identity                : Internal
EndpointType            : ExchangeRemoteMove
RemoteServer            : ex01.contoso.local
Port                    : {closed_port}

Identity                : PF
EndpointType            : PublicFolder
RemoteServer            : mail.contoso.test
"""

EXPECT = {
    1: ("remote-move", ["ENDPOINT_PORT_NOT_443"]),
    2: ("outlook-anywhere", ["ENDPOINT_OA_AUTH_NTLM", "ENDPOINT_PORT_NOT_443"]),
    3: ("imap", []),
    4: ("remote-move", ["ENDPOINT_INTERNAL_NAME", "ENDPOINT_PORT_NOT_443", "TCP_REFUSED"]),
    5: ("PublicFolder", None),
}


def objects(text):
    objs = []
    for block in text.strip().split("\n\n"):
        o = {}
        for line in block.splitlines():
            k, v = line.split(":", 1)
            o[k.strip()] = v.strip()
        objs.append(o)
    return objs


def endpoint_files(sites, tmp):
    rm, oa, im = sites["exchange2016-healthy"], sites["oa-healthy"], sites["imap-healthy"]
    closed = sites["port-refused"]["port"]
    text = ENDPOINTS.format(rm_host=rm["host"], rm_port=rm["port"], oa_host=oa["host"],
                            oa_port=oa["port"], im_host=im["host"], im_port=im["port"],
                            closed_port=closed)
    fl = os.path.join(tmp, "endpoints.txt")
    # As Out-File writes it: UTF-16LE with a BOM.
    with open(fl, "wb") as f:
        f.write(b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"))
    objs = objects(text)
    js = os.path.join(tmp, "endpoints.json")
    for o in objs:
        if "Port" in o:
            o["Port"] = int(o["Port"])
    with open(js, "w", encoding="utf-8") as f:
        json.dump(objs, f, indent=4)
    keys = ["Identity", "EndpointType", "RemoteServer", "ExchangeServer", "RpcProxyServer",
            "Authentication", "Port", "Security", "Username", "MaxConcurrentMigrations"]
    cs = os.path.join(tmp, "endpoints.csv")
    with open(cs, "w", encoding="utf-8", newline="") as f:
        f.write("#TYPE Deserialized.Microsoft.Exchange.Data.Storage.Management."
                "MigrationEndpoint\r\n")
        w = csv.writer(f, quoting=csv.QUOTE_ALL)
        w.writerow(keys)
        for o in objs:
            w.writerow([o.get(k, "") for k in keys])
    args = []
    for s in (rm, oa, im):
        args += ["--resolve", f"{s['host']}:{s['port']}:127.0.0.1"]
    args += ["--resolve", f"ex01.contoso.local:{closed}:127.0.0.1",
             "--ca-file", rm["ca_file"], "--timeout", "3"]
    return [("Format-List", fl), ("Export-Csv", cs), ("ConvertTo-Json", js)], args


def endpoints(sites, tmp):
    files, args = endpoint_files(sites, tmp)
    env = dict(os.environ, MIGCHECK_PASSWORD=sites["oa-healthy"]["password"])
    for form, path in files:
        p = subprocess.run([MIGCHECK, "batch", path, "--json"] + args, capture_output=True,
                           text=True, env=env, timeout=120)
        doc = json.loads(p.stdout)
        rows = {r["row"]: r for r in doc["results"]}
        bad = []
        for n, (chk, want) in EXPECT.items():
            r = rows.get(n)
            if r is None or r["check"] != chk:
                bad.append(f"row {n}: {r and r['check']}, expected {chk}")
            elif want is None:
                if r["verdict"] != "error" or "PublicFolder" not in (r["error"] or ""):
                    bad.append(f"row {n}: {r['verdict']} {r['error']}, expected an error row")
            elif sorted(r["causes"]) != want:
                bad.append(f"row {n}: {sorted(r['causes'])}, expected {want}")
        check(f"endpoint file ({form}): three endpoint types read and checked",
              doc["form"] == form and not bad, f"form {doc['form']}; " + "; ".join(bad))
    # One endpoint of the file, by a single check.
    fl = files[0][1]
    p = subprocess.run([MIGCHECK, "outlook-anywhere", "--endpoint-file", fl, "--json"] + args,
                       capture_output=True, text=True, env=env, timeout=120)
    got = sorted(c["id"] for c in json.loads(p.stdout)["causes"]) if p.stdout else p.stderr
    check("outlook-anywhere --endpoint-file: the only Outlook Anywhere endpoint",
          got == EXPECT[2][1], str(got))
    p = subprocess.run([MIGCHECK, "remote-move", "--endpoint-file", fl] + args,
                       capture_output=True, text=True, env=env, timeout=60)
    check("remote-move --endpoint-file with two remote move endpoints asks for --endpoint",
          p.returncode == 2 and "--endpoint" in p.stderr, p.stderr.strip())
    p = subprocess.run([MIGCHECK, "remote-move", "--endpoint-file", fl, "--endpoint",
                        "Internal", "--json"] + args, capture_output=True, text=True,
                       env=env, timeout=60)
    got = sorted(c["id"] for c in json.loads(p.stdout)["causes"]) if p.stdout else p.stderr
    check("remote-move --endpoint NAME", got == EXPECT[4][1], str(got))
    p = subprocess.run([MIGCHECK, "config", "--collect"], capture_output=True, text=True,
                       timeout=60)
    check("config --collect prints the Get-MigrationEndpoint command",
          "Get-MigrationEndpoint | Format-List Identity,EndpointType" in p.stdout, p.stdout[-300:])
    p = subprocess.run([MIGCHECK, "config", fl, "--json"], capture_output=True, text=True,
                       timeout=60)
    got = sorted({c["id"] for c in json.loads(p.stdout)["causes"]})
    check("config reads Get-MigrationEndpoint through the same reader",
          got == ["ENDPOINT_INTERNAL_NAME", "ENDPOINT_OA_AUTH_NTLM", "ENDPOINT_PORT_NOT_443"],
          str(got))
    # ConvertTo-Json without -EnumsAsStrings: EndpointType as a number is not
    # guessed; the row, the single check and config name the file, line and value.
    num = os.path.join(tmp, "numbers.json")
    with open(num, "w", encoding="utf-8") as f:
        f.write('[\n  {\n    "Identity": "Hybrid",\n    "EndpointType": 16,\n'
                '    "RemoteServer": "mail.contoso.test"\n  }\n]\n')
    want = f"'{num}' line 4: EndpointType is the number 16"
    p = subprocess.run([MIGCHECK, "batch", num, "--json"], capture_output=True, text=True,
                       env=env, timeout=60)
    rows = json.loads(p.stdout)["results"] if p.stdout else []
    single = subprocess.run([MIGCHECK, "remote-move", "--endpoint-file", num],
                            capture_output=True, text=True, env=env, timeout=60)
    conf = subprocess.run([MIGCHECK, "config", num], capture_output=True, text=True,
                          timeout=60)
    check("EndpointType as a number: not guessed, file, line and value named",
          p.returncode == 3 and len(rows) == 1 and want in (rows[0]["error"] or "") and
          single.returncode == 2 and want in single.stderr and
          want in " ".join(conf.stdout.split()),
          f"{p.returncode} {rows} {single.stderr.strip()} {conf.stdout[-400:]}")


def refusals_and_outputs(sites, tmp):
    s = sites["port-refused"]
    bad = os.path.join(tmp, "bad.csv")
    with open(bad, "w") as f:
        f.write("check,target,user,Password\nports,x.test,,hunter2\n")
    p = subprocess.run([MIGCHECK, "batch", bad], capture_output=True, text=True, timeout=60)
    check("a password column is refused, and why", p.returncode == 2 and
          "password_env" in p.stderr and "hunter2" not in p.stderr + p.stdout, p.stderr)
    rows = os.path.join(tmp, "rows.csv")
    with open(rows, "w") as f:
        f.write("check,target,user,password_env,args\n"
                f"ports,{s['target']},,,{' '.join(s['args'])}\n"
                f"remote-move,{sites['exchange2016-healthy']['target']},CONTOSO\\migadmin,"
                "MIGCHECK_TEST_NO_SUCH_VAR,\n"
                "ftp,example.test,,,\n")
    html, out_csv = os.path.join(tmp, "b.html"), os.path.join(tmp, "b.csv")
    p = subprocess.run([MIGCHECK, "batch", rows, "--jsonl", "--html", html, "--csv", out_csv],
                       capture_output=True, text=True, timeout=60)
    lines = [json.loads(line) for line in p.stdout.splitlines()]
    by_row = {o["row"]: o for o in lines if "row" in o}
    check("--jsonl: a line per row, then the summary", len(lines) == 4 and
          "summary" in lines[-1], p.stdout[:300])
    check("a row that cannot run says why in its row", by_row.get(2, {}).get("verdict") ==
          "error" and "MIGCHECK_TEST_NO_SUCH_VAR" in by_row[2]["error"] and
          by_row.get(3, {}).get("verdict") == "error" and by_row[1]["causes"] ==
          ["TCP_REFUSED"], json.dumps(by_row)[:400])
    table = list(csv.DictReader(open(out_csv, encoding="utf-8")))
    check("--csv FILE", [r["verdict"] for r in table] == ["fail", "error", "error"],
          str(table))
    page = open(html, encoding="utf-8").read()
    check("--html FILE: the table links each row to its report on the page",
          all(f'href="#row-{n}"' in page and f'id="row-{n}"' in page for n in (1, 2, 3)) and
          "TCP_REFUSED" in page, page[:200])


def batch_options(sites, tmp):
    """--password-file and --ca-file given to batch reach the rows that take them."""
    s, rm = sites["port-refused"], sites["exchange2016-healthy"]
    pw = os.path.join(tmp, "pw.txt")
    with open(pw, "w") as f:
        f.write(rm["password"] + "\n")
    rows = os.path.join(tmp, "opts.csv")
    with open(rows, "w") as f:
        f.write("check,target,user,args\n"
                f"ports,{s['target']},,{' '.join(s['args'])}\n"
                f"remote-move,{rm['target']},CONTOSO\\migadmin,--resolve "
                f"{rm['host']}:{rm['port']}:127.0.0.1\n")
    p = subprocess.run([MIGCHECK, "batch", rows, "--json", "--password-file", pw, "--ca-file",
                        rm["ca_file"], "--timeout", "3"], capture_output=True, text=True,
                       timeout=60, env={k: v for k, v in os.environ.items()
                                        if k != "MIGCHECK_PASSWORD"})
    got = [(r["verdict"], r["causes"]) for r in json.loads(p.stdout)["results"]]
    check("batch --password-file and --ca-file apply to the rows that take them",
          got == [("fail", ["TCP_REFUSED"]), ("pass", [])], str(got) + p.stderr)


def ctrl_c(sites, tmp):
    fast, slow = sites["port-refused"], sites["port-blackhole"]
    path = os.path.join(tmp, "slow.csv")
    with open(path, "w") as f:
        f.write("check,target,args\n")
        f.write(f"ports,{fast['target']},{' '.join(fast['args'])}\n")
        for _ in range(4):
            f.write(f"ports,{slow['target']},{' '.join(slow['args'])} --timeout 60\n")
    p = subprocess.Popen([MIGCHECK, "batch", path, "--parallel", "2", "--no-color"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t0 = time.monotonic()
    seen = []
    # Wait for the fast row's line (the slow ones hang on a blackhole).
    while True:
        line = p.stdout.readline()
        seen.append(line)
        if not line or "TCP_REFUSED" in line:
            break
    p.send_signal(signal.SIGINT)
    rest, err = p.communicate(timeout=60)
    out = "".join(seen) + rest
    # The next slow row may or may not have started when the signal came.
    m = re.search(r"interrupted: (\d+) stopped, (\d+) not started", out)
    check("Ctrl-C mid-batch prints what finished and stops the rest",
          p.returncode == 130 and m and int(m[1]) >= 1 and int(m[1]) + int(m[2]) == 4 and
          "TCP_REFUSED" in out and "1 fail" in out and time.monotonic() - t0 < 50,
          f"exit {p.returncode}: {out[-400:]} {err[-200:]}")


def main():
    lab, sites, ready = start_lab()
    try:
        with tempfile.TemporaryDirectory(prefix="migcheck-batch-") as tmp:
            for part in (all_scenarios, endpoints, refusals_and_outputs, batch_options, ctrl_c):
                try:
                    if part is all_scenarios:
                        part(sites, ready, tmp)
                    else:
                        part(sites, tmp)
                except Exception as e:  # a broken part is a failed part
                    check(part.__name__, False, f"{type(e).__name__}: {e}")
    finally:
        lab.terminate()
        lab.wait(timeout=30)
    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] or not results["passed"] else 0


if __name__ == "__main__":
    sys.exit(main())
