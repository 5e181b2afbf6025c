#!/usr/bin/env python3
"""The password never shows: remote-move signs in to the lab
(exchange2016-healthy) with MIGCHECK_PASSWORD and with --password-file, and
neither the text, JSON or HTML report, nor stderr, nor the lab's IIS logs
contain it; every request carries the run id, and the lab's log shows it.

  secrets.py MIGCHECK
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

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
            env = dict(os.environ, MIGCHECK_PASSWORD=pw)
            cmd = [migcheck] + lab.site["command"].split() + extra + ["--timeout", "5"]
            with tempfile.TemporaryDirectory() as tmp:
                html = os.path.join(tmp, "r.html")
                text = subprocess.run(cmd + ["--no-color", "--verbose", "--html", html],
                                      capture_output=True, text=True, env=env, timeout=60)
                js = subprocess.run(cmd + ["--json"], capture_output=True, text=True, env=env,
                                    timeout=60)
                html_text = open(html, encoding="utf-8").read()
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
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
