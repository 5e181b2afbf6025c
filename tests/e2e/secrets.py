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
import hmac
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
              len(report.get("traffic", {}).get("requests", [])) >= 9,
              str(report.get("traffic"))[:300])
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
            text, js, html_text = three_reports(migcheck, lab, extra)
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
    ntlm_evidence(migcheck)
    echoed(migcheck)
    return check.finish()


def three_reports(migcheck, lab, extra):
    """The scenario's command with the lab's password: the text (verbose, with an
    HTML report beside it) and the JSON run, and the HTML report's text."""
    env = dict(os.environ, MIGCHECK_PASSWORD=lab.site["password"])
    cmd = [migcheck] + lab.site["command"].split() + extra + ["--timeout", "5"]
    with tempfile.TemporaryDirectory() as tmp:
        html = os.path.join(tmp, "r.html")
        text = subprocess.run(cmd + ["--no-color", "--verbose", "--html", html],
                              capture_output=True, text=True, env=env, timeout=60)
        js = subprocess.run(cmd + ["--json"], capture_output=True, text=True, env=env,
                            timeout=60)
        return text, js, open(html, encoding="utf-8").read()


def nt_hashes(user, password):
    """The NT hash and NTOWFv2 of the lab account, as hex and base64 (MD4 from
    OpenSSL's legacy provider: hashlib has none on OpenSSL 3)."""
    p = subprocess.run(["openssl", "dgst", "-provider", "legacy", "-provider", "default",
                        "-md4", "-binary"], input=password.encode("utf-16-le"),
                       capture_output=True, timeout=30)
    if p.returncode or len(p.stdout) != 16:
        return []
    dom, _, name = user.partition("\\")
    v2 = hmac.new(p.stdout, (name.upper() + dom).encode("utf-16-le"), "md5").digest()
    out = []
    for h in (p.stdout, v2):
        out += [h.hex(), h.hex().upper(), base64.b64encode(h).decode()]
    return out


def ntlm_evidence(migcheck):
    """The client's own NTLM (Extended Protection): its evidence says what was
    sent, and no output holds the password, the NT hash or NTOWFv2."""
    for scenario, extra, want in (("ep-behind-ssl-offload", [], "channel binding sent"),
                                  ("ep-require-healthy", ["--no-channel-binding"],
                                   "not sent (--no-channel-binding)"),
                                  ("oa-ep-require", [], "channel binding sent")):
        lab = Lab(migcheck, scenario)
        try:
            pw, user = lab.site["password"], lab.site["user"]
            text, js, html_text = three_reports(migcheck, lab, extra)
            allout = text.stdout + text.stderr + js.stdout + js.stderr + html_text
            name = " ".join([scenario] + extra)
            flat = " ".join(text.stdout.split())    # the text wraps at 100 columns
            check(f"{name}: the NTLM evidence says what was sent",
                  "NTLM login" in flat and want in flat and "MIC sent" in flat,
                  text.stdout[-600:])
            if scenario.startswith("ep-"):
                sent = [t["ntlm"] for t in
                        json.loads(js.stdout).get("traffic", {}).get("requests", [])
                        if "ntlm" in t and t["ntlm"]["answer_sent"]]
                check(f"{name}: the JSON traffic says whether a binding and a MIC went",
                      sent and all(t["mic"] and t["channel_binding"] == (not extra) and
                                   (t["certificate_hash"] or "").isalnum() for t in sent),
                      str(sent)[:300])
            secrets = nt_hashes(user, pw)
            check(f"{name}: the NT hash could be computed to look for it", len(secrets) == 6)
            check(f"{name}: no password, NT hash or NTOWFv2 in text, JSON, HTML or stderr",
                  pw not in allout and not any(x in allout for x in secrets))
        finally:
            lab.stop()


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


def echoed(migcheck):
    for scenario in ("echo-credentials", "autodiscover-echo-credentials",
                     "imap-echo-credentials"):
        lab = Lab(migcheck, scenario)
        try:
            pw = lab.site["password"]
            text, js, html_text = three_reports(migcheck, lab, [])
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
