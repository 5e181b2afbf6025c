#!/usr/bin/env python3
"""Hostile servers (issue 19): what a case file cannot say.

  hostile.py MIGCHECK

- A login that a device blocks or redirects is the last request carrying
  credentials: no Basic login and no NTLM repeats follow it (the JSON
  traffic section lists every request sent).
- A chain of 201 certificates is told as 201, not as the 10 kept.
- An IMAP session that breaks off before any login says so, not "after the
  login".
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peer"))
from labutil import Checks, Lab  # noqa: E402

check = Checks()


LAB_PASSWORD = "Lab-Secret-7f3a9q"   # the lab's public migration account password


def run(migcheck, lab, extra=(), user=False):
    env = dict(os.environ, MIGCHECK_PASSWORD=lab.site.get("password") or LAB_PASSWORD)
    words = lab.site["command"].split()
    if user and "--user" not in words:
        words += ["--user", "CONTOSO\\migadmin"]
    cmd = [migcheck] + words + ["--timeout", "3", "--json"] + list(extra)
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120,
                       stdin=subprocess.DEVNULL)
    return p, json.loads(p.stdout) if p.stdout.startswith("{") else {}


def blocked_logins(migcheck):
    for scenario in ("login-redirected", "login-blocked-403", "negotiate-blocked"):
        lab = Lab(migcheck, scenario)
        try:
            p, report = run(migcheck, lab, user=True)
            purposes = [t["purpose"] for t in
                        report.get("traffic", {}).get("requests", [])]
            logins = [x for x in purposes if x not in ("ews", "mrsproxy")]
            check(f"{scenario}: one login, then nothing more", logins == ["mrsproxy-ntlm"],
                  str(purposes))
            check(f"{scenario}: AUTH_NEGOTIATE_BLOCKED, exit 1", p.returncode == 1 and
                  [c["id"] for c in report.get("causes", [])] == ["AUTH_NEGOTIATE_BLOCKED"],
                  p.stdout[-400:])
        finally:
            lab.stop()


def long_chain(migcheck):
    lab = Lab(migcheck, "long-chain")
    try:
        p, report = run(migcheck, lab)
        text = json.dumps(report)
        check("long-chain: 201 certificates told", "201 certificates (the first 10 are shown)"
              in text, text[:300])
    finally:
        lab.stop()


def imap_before_login(migcheck):
    lab = Lab(migcheck, "imap-drops-before-login")
    try:
        p, report = run(migcheck, lab)
        text = json.dumps(report)
        check("imap-drops-before-login: 'before any login was sent'",
              "broke off before any login was sent" in text and "after the login" not in text,
              text[:400])
    finally:
        lab.stop()


def main():
    migcheck = sys.argv[1]
    blocked_logins(migcheck)
    long_chain(migcheck)
    imap_before_login(migcheck)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
