#!/usr/bin/env python3
"""Reports that speak to this admin, checked against the real lab.

- Fix steps and "Confirm with" name the run's facts (user, host, ValidPorts),
  the same in text, JSON and HTML.
- Text wraps at COLUMNS and never breaks a command; --help fits 80 columns.
- Default text is concise, -v adds the headers, -vv the raw exchange.
- Steps are printed as they finish; the verdict line opens the summary.
- --json-file and --html FILE beside the text.
Prints "N passed, N failed".
"""
import html
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import start_lab  # noqa: E402  (the e2e runner's lab starter)

MIGCHECK = sys.argv[1]
passed = failed = 0
PASSWORD_ENV = "MIGCHECK_PASSWORD"


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def lab_argv(site, user=None):
    """The lab's command for a scenario, with another user if given."""
    words = site["command"].split(" ")
    out, skip = [], False
    for w in words:
        if skip:
            skip = False
            continue
        if w == "--user":
            skip = True
            continue
        out.append(w)
    if user or site.get("user"):
        out += ["--user", user or site["user"]]
    return out


def run(site, *extra, user=None, env=None):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e.pop("COLUMNS", None)
    e[PASSWORD_ENV] = site.get("password", "x")
    if env:
        e.update(env)
    return subprocess.run([MIGCHECK, *lab_argv(site, user), *extra], capture_output=True,
                          text=True, env=e, timeout=120)


def flat(s):
    """Text without its wrapping: every run of white space one space."""
    return re.sub(r"\s+", " ", s)


def main():
    lab, sites = start_lab(MIGCHECK)
    try:
        tests(sites)
    finally:
        lab.terminate()
        lab.wait(timeout=20)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


def tests(sites):
    tmp = tempfile.mkdtemp(prefix="migcheck-reports-")
    # 1. --user 'FABRIKAM\svcmig': every fix and confirm line names it, never the
    #    catalogue's example account; text, JSON and HTML agree.
    site = sites["bad-credentials"]
    user = "FABRIKAM\\svcmig"
    jf, hf = os.path.join(tmp, "r.json"), os.path.join(tmp, "r.html")
    p = run(site, "--json-file", jf, "--html", hf, user=user)
    text = p.stdout
    doc = json.load(open(jf, encoding="utf-8")) if os.path.exists(jf) else {}
    page = open(hf, encoding="utf-8").read() if os.path.exists(hf) else ""
    causes = doc.get("causes", [])
    check("FABRIKAM: text and both files written in one run", p.returncode == 1 and
          "verdict: FAIL" in text and causes and "<!DOCTYPE html>" in page, p.stderr)
    fixes = [f for c in causes for f in c["fix"]] + [c["check"] for c in causes if c["check"]]
    check("FABRIKAM: JSON fix and check name the user", any(user in f for f in fixes) and
          not any("CONTOSO\\migadmin" in f or "contoso" in f.lower() for f in fixes), fixes)
    summary = text.split("Causes, most likely first:", 1)[-1]
    check("FABRIKAM: text fix names the user, not the example",
          user in summary and "CONTOSO\\migadmin" not in summary)
    check("FABRIKAM: confirm line pastes the run's target and user",
          f"--server {site['target']} --user '{user}'" in text, text[-1500:])
    lines = text.splitlines()
    confirm = next((lines[i + 1].strip() for i, l in enumerate(lines)
                    if l.strip() == "Confirm with:"), "")
    e = dict(os.environ, **{PASSWORD_ENV: site["password"]})
    p2 = subprocess.run(["sh", "-c", confirm.replace("migcheck ", MIGCHECK + " ", 1) +
                         " --json"], capture_output=True, text=True, env=e, timeout=120) \
        if confirm.startswith("migcheck remote-move ") else None
    check("FABRIKAM: the confirm line, pasted, reruns the same check (same cause)",
          p2 is not None and p2.returncode == 1 and "AUTH_BAD_CREDENTIALS" in p2.stdout,
          confirm)
    check("FABRIKAM: text, JSON and HTML give the same fix",
          all(flat(f) in flat(summary) for f in fixes) and
          all(flat(f) in flat(html.unescape(re.sub(r"<[^>]+>", "", page))) for f in fixes))
    check("facts section in JSON", doc.get("facts", {}).get("user") == user, doc.get("facts"))
    vv = run(site, "-vv").stdout
    v1 = run(site, "-v").stdout
    check("-vv: the request headers sent and every response header, never a credential",
          "> User-Agent: migcheck/" in vv and "< header: X-FEServer:" in vv and
          "> Authorization: NTLM (not shown)" in vv and site["password"] not in vv and
          "> User-Agent" not in v1 and "X-FEServer:" in v1)

    # 2. OA_PORT_NOT_ALLOWED: the reg add value of the fix is the finding's value.
    site = sites["oa-validports-missing-6004"]
    p = run(site, "--json")
    doc = json.loads(p.stdout)
    c = next((c for c in doc["causes"] if c["id"] == "OA_PORT_NOT_ALLOWED"), None)
    m = re.search(r'ValidPorts to "([^"]+)"', c["evidence"][0]["detail"]) if c else None
    fix = " ".join(c["fix"]) if c else ""
    check("OA_PORT_NOT_ALLOWED: reg add sets the value of the finding",
          m and f'/v ValidPorts /t REG_SZ /d "{m.group(1)}" /f' in fix
          and doc["facts"].get("validports") == m.group(1), fix)
    # Wrapping at 80: prose fits, the command is whole on its own line.
    p = run(site, env={"COLUMNS": "80"})
    long_lines = [l for l in p.stdout.splitlines() if len(l) > 80]
    bad = [l for l in long_lines if " " in l.strip() and not re.match(
        r"\s*(reg |migcheck |https?://)", l)]
    check("COLUMNS=80: every longer line is one unbreakable word or a whole command",
          not bad, bad)
    check("COLUMNS=80: the reg add command is on one line",
          any(l.strip().startswith("reg add ") and l.strip().endswith(" /f")
              for l in p.stdout.splitlines()))
    # Default concise, -v headers, -vv the raw exchange.
    check("default: no response headers", "WWW-Authenticate:" not in p.stdout
          and "PDU:" not in p.stdout)
    v1 = run(site, "-v").stdout
    v2 = run(site, "-vv").stdout
    check("-v: the response headers", "WWW-Authenticate:" in v1 and "PDU:" not in v1)
    check("-vv: the raw exchange", "PDU:" in v2 and "WWW-Authenticate:" in v2)
    # The summary: verdict first, after every step.
    lines = p.stdout.splitlines()
    vi = next((i for i, l in enumerate(lines) if l.startswith("verdict: ")), -1)
    check("summary at the end opens with the verdict", vi > 0 and
          all(not l.startswith("[") for l in lines[vi:]) and
          "Causes, most likely first:" in "\n".join(lines[vi:]))

    # 3. Steps print as they finish: the first steps are out while the check
    #    still waits on the slow back end (it answers after the deadline).
    site = sites["slow-backend"]
    e = dict(os.environ, **{PASSWORD_ENV: site.get("password", "x")})
    proc = subprocess.Popen([MIGCHECK, *lab_argv(site), "--timeout", "5"],
                            stdout=subprocess.PIPE, text=True, env=e)
    head = proc.stdout.readline()
    first = proc.stdout.readline() + proc.stdout.readline()
    running = proc.poll() is None
    rest = proc.stdout.read()
    proc.wait()
    check("steps stream before the check ends", running and head.startswith("migcheck ")
          and "[ ok ] Resolve" in first and "verdict:" in rest, (head, first))

    # 4. The HTML: a one-line "what failed" on top, commands in monospace only.
    check("HTML: what failed on top of the verdict box",
          re.search(r'class="verdict fail"><p class="whatfailed"><b>What failed:</b>', page)
          is not None)
    check("HTML: no break-all, commands in <pre class=\"cmd\">",
          "break-all" not in page and '<pre class="cmd">' in page)

    # TLS_CERT_EXPIRES_SOON: its own id, the days left in its words, and the
    # thumbprint as Get-ExchangeCertificate prints it (SHA-1, no colons).
    site = sites["expiring-soon"]
    p = run(site)
    v = flat(run(site, "-v").stdout)
    m = re.search(r"expires in (\d+) days", p.stdout)
    tp = re.search(r"thumbprint: ([0-9A-F]{40})\b", v)
    check("expiring soon: own id, days left in the why, SHA-1 thumbprint in the fix",
          "TLS_CERT_EXPIRES_SOON" in p.stdout and "TLS_CERT_EXPIRED" not in p.stdout and m and
          f"only for {m.group(1)} more days" in flat(p.stdout) and tp and
          f"-Thumbprint {tp.group(1)}" in p.stdout and "sha256: " in v, p.stdout[-1500:])

    # 5. Every top-level JSON section of every command is documented, and
    #    traffic is one shape: an object, with "requests" where requests were sent.
    schema = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                               "json-schema.md"), encoding="utf-8").read()
    data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
    runs = {name: lab_argv(sites[sc]) for name, sc in (
        ("ports", "port-refused"), ("tls", "self-signed"), ("remote-move", "lb-passive-server"),
        ("outlook-anywhere", "oa-healthy"), ("autodiscover", "autodiscover-healthy"),
        ("imap", "imap-healthy"), ("remote-move --autodiscover", "autodiscover-wrong-mrs-host"))}
    runs["logs"] = ["logs", os.path.join(data, "logs"), "--run-id", "mc-0123456789ab"]
    runs["config"] = ["config", os.path.join(data, "config", "ews-healthy.txt")]
    runs["explain"] = ["explain", "Error 0x6ba from cli_NspiBind"]
    undocumented, shapes = [], []
    for name, argv in runs.items():
        e = dict(os.environ, **{PASSWORD_ENV: "Lab-Secret-7f3a9q"})
        p = subprocess.run([MIGCHECK, *argv, "--json"], capture_output=True, text=True,
                           env=e, timeout=120)
        try:
            doc = json.loads(p.stdout)
        except ValueError:
            undocumented.append(f"{name}: no JSON ({p.stderr.strip()[:120]})")
            continue
        undocumented += [f"{name}: {k}" for k in doc if f"`{k}`" not in schema]
        t = doc.get("traffic")
        if name in ("remote-move", "outlook-anywhere", "autodiscover",
                    "remote-move --autodiscover"):
            if not (isinstance(t, dict) and isinstance(t.get("requests"), list) and
                    t["requests"] and all("purpose" in q and "url" in q for q in t["requests"])):
                shapes.append(f"{name}: {str(t)[:100]}")
        elif t is not None and not isinstance(t, dict):
            shapes.append(f"{name}: {str(t)[:100]}")
    check("every top-level JSON section is in docs/json-schema.md", not undocumented,
          undocumented)
    check("traffic: one shape, an object with a requests list", not shapes, shapes)

    # 6. make demo's output fits 100 columns (not a terminal: 100).
    e = dict(os.environ)
    e.pop("COLUMNS", None)
    p = subprocess.run([MIGCHECK, "demo"], capture_output=True, text=True, env=e, timeout=600)
    wide = [l for l in p.stdout.splitlines() if len(l) > 100]
    check("demo: every line fits 100 columns", p.returncode == 0 and not wide, wide[:3])
    check("plurals: no '1 requests'", "1 requests " not in p.stdout)


if __name__ == "__main__":
    sys.exit(main())
