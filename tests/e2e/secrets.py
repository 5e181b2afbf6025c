#!/usr/bin/env python3
"""The password never shows: remote-move signs in to the lab
(exchange2016-healthy) with MIGCHECK_PASSWORD and with --password-file, and
neither the text, JSON or HTML report, nor stderr, nor the lab's IIS logs
contain it; every request carries the run id, and the lab's log shows it.
Servers that echo the credentials back (echo-credentials,
autodiscover-echo-credentials: user:password in X-FailureContext and the
page, the Basic token and the URL-encoded password in Location;
imap-echo-credentials: the LOGIN refused in a NO line that repeats it) get
none of its spellings into any format: plain (any case), base64 of user:password,
URL-encoded, HTML-escaped.

  secrets.py MIGCHECK
"""
import base64
import glob
import json
import os
import subprocess
import sys
import tempfile
import html
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peer"))
from labutil import Checks, Lab  # noqa: E402

check = Checks()

def main():
    migcheck = sys.argv[1]
    lab = Lab(migcheck, "exchange2016-healthy")
    try:
        pw = lab.site["password"]
        base = [migcheck] + lab.site["command"].split() + ["--timeout", "5"]
        env = dict(os.environ, MIGCHECK_PASSWORD=pw)
        with tempfile.TemporaryDirectory() as tmp:
            html = os.path.join(tmp, "report.html")
            text = subprocess.run(base + ["--no-color", "--verbose", "--html", html],
                                  capture_output=True, text=True, env=env, timeout=60)
            js = subprocess.run(base + ["--json"], capture_output=True, text=True, env=env,
                                timeout=60)
            pwfile = os.path.join(tmp, "pw")
            with open(pwfile, "w") as f:
                f.write(pw + "\nsecond line is ignored\n")
            env_nopw = {k: v for k, v in os.environ.items() if k != "MIGCHECK_PASSWORD"}
            viafile = subprocess.run(base + ["--json", "--password-file", pwfile],
                                     capture_output=True, text=True, env=env_nopw, timeout=60,
                                     stdin=subprocess.DEVNULL)
            nopw = subprocess.run(base + ["--json"], capture_output=True, text=True,
                                  env=env_nopw, timeout=60, stdin=subprocess.DEVNULL)
            html_text = open(html, encoding="utf-8").read()
        check("text report passes", text.returncode == 0, text.stdout[-400:])
        report = json.loads(js.stdout)
        check("json report passes", js.returncode == 0 and report["verdict"] == "pass")
        check("--password-file signs in", viafile.returncode == 0 and
              json.loads(viafile.stdout)["verdict"] == "pass", viafile.stderr)
        check("--user without a password and no terminal is a usage error",
              nopw.returncode == 2 and "MIGCHECK_PASSWORD" in nopw.stderr, nopw.stderr)
        for name, out in (("text", text.stdout + text.stderr), ("json", js.stdout + js.stderr),
                          ("html", html_text), ("password-file run", viafile.stdout +
                                                viafile.stderr)):
            check(f"no password in the {name} output", pw not in out)
        logs = glob.glob(os.path.join(lab.site["logs"], "*", "W3SVC1", "*.log"))
        logtext = "".join(open(p, encoding="ascii").read() for p in logs)
        check("the lab wrote IIS logs", len(logs) >= 1, str(logs))
        check("no password in the IIS logs", pw not in logtext)
        run_id = report["run_id"]
        check("the run id is in the report", run_id and run_id.startswith("mc-"))
        check("the run id is in the IIS log query and User-Agent",
              f"migcheck={run_id}" in logtext and f"(run+{run_id})" in logtext)
        check("the traffic section lists the requests",
              len(report.get("traffic", [])) >= 9, str(report.get("traffic"))[:300])
    finally:
        lab.stop()
    # The other checks that sign in: Outlook Anywhere (Basic and NTLM on the
    # RPC proxy), Autodiscover (POX and SOAP) and IMAP (LOGIN, AUTHENTICATE).
    for scenario, extra in (("oa-healthy", []), ("oa-healthy", ["--auth", "ntlm"]),
                            ("autodiscover-healthy", []), ("imap-healthy", []),
                            ("imap-starttls-healthy", [])):
        lab = Lab(migcheck, scenario)
        try:
            pw = lab.site["password"]
            env = dict(os.environ, MIGCHECK_PASSWORD=pw)
            cmd = [migcheck] + lab.site["command"].split() + extra + ["--timeout", "5"]
            text, js, html_text = three_formats(cmd, env)
            name = " ".join([scenario] + extra)
            check(f"{name}: signs in and passes", js.returncode == 0 and
                  json.loads(js.stdout)["verdict"] == "pass", js.stdout[-300:])
            check(f"{name}: no password in text, JSON, HTML or stderr",
                  pw not in text.stdout + text.stderr + js.stdout + js.stderr + html_text)
            # Every file the lab wrote (IIS logs where the scenario keeps them).
            labdir = os.path.dirname(lab.site["ca_file"])
            written = "".join(open(p, encoding="ascii", errors="replace").read()
                              for p in glob.glob(os.path.join(labdir, "**", "*"), recursive=True)
                              if os.path.isfile(p))
            check(f"{name}: no password in any file the lab wrote", pw not in written)
        finally:
            lab.stop()
    echoed()
    return check.finish()


def three_formats(cmd, env):
    """Runs cmd for the text (verbose), JSON and HTML reports: (text, json, html)."""
    with tempfile.TemporaryDirectory() as tmp:
        page = os.path.join(tmp, "r.html")
        text = subprocess.run(cmd + ["--no-color", "--verbose", "--html", page],
                              capture_output=True, text=True, env=env, timeout=60)
        js = subprocess.run(cmd + ["--json"], capture_output=True, text=True, env=env,
                            timeout=60)
        with open(page, encoding="utf-8") as f:
            return text, js, f.read()


def spellings(user, pw):
    """The forms an echoing server may give the password in."""
    basic = base64.b64encode(f"{user}:{pw}".encode()).decode()
    forms = {"plain": pw, "plain, upper case": pw.upper(), "plain, lower case": pw.lower(),
             "Basic token of user:password": basic,
             "base64 of the password": base64.b64encode(pw.encode()).decode().rstrip("="),
             "URL-encoded (upper hex)": urllib.parse.quote(pw, safe=""),
             "URL-encoded (every byte)": "".join(f"%{b:02X}" for b in pw.encode()),
             "URL-encoded (lower hex)": "".join(f"%{b:02x}" for b in pw.encode()),
             "HTML-escaped": html.escape(pw)}
    return forms


def echoed():
    for scenario in ("echo-credentials", "autodiscover-echo-credentials",
                     "imap-echo-credentials"):
        lab = Lab(sys.argv[1], scenario)
        try:
            pw = lab.site["password"]
            env = dict(os.environ, MIGCHECK_PASSWORD=pw)
            cmd = [sys.argv[1]] + lab.site["command"].split() + ["--timeout", "5"]
            text, js, html_text = three_formats(cmd, env)
            check(f"{scenario}: the echo is shown, the password removed",
                  "[password removed]" in text.stdout and "[password removed]" in js.stdout
                  and "[password removed]" in html_text, text.stdout[-600:])
            user = ("migadmin@contoso.test" if scenario.startswith("imap")
                    else "CONTOSO\\migadmin")
            for fmt, out in (("text", text.stdout + text.stderr), ("JSON", js.stdout + js.stderr),
                             ("HTML", html_text)):
                for name, form in spellings(user, pw).items():
                    check(f"{scenario}: no {name} in the {fmt} output", form not in out,
                          out[max(0, out.find(form) - 80):out.find(form) + 80])
        finally:
            lab.stop()


if __name__ == "__main__":
    sys.exit(main())
