#!/usr/bin/env python3
"""Peer test: curl, an NTLM and Basic client nobody here wrote, signs in to the
lab's MRSProxy (exchange2016-healthy, Extended Protection Allow) and is
refused with a wrong password; the lab's IIS log shows the exchange the way
IIS on Exchange writes it. curl's NTLM sends no channel binding, so
Extended Protection Require (ep-require-healthy) refuses it with the right
password, while Basic still signs in there.

  curl_ntlm.py MIGCHECK
"""
import glob
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labutil import MRS_ENVELOPE, Checks, Lab  # noqa: E402

ENVELOPE = MRS_ENVELOPE
FIELDS = ("#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username "
          "c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken")

check = Checks()

def curl(lab, scheme, user, password, tag):
    args = ["curl", "-sS", "-o", "-", "-w", "\n%{http_code}", "--max-time", "10",
            f"--{scheme}", "-u", f"{user}:{password}", "-X", "POST",
            "-H", "Content-Type: application/soap+xml; charset=utf-8",
            "--data-binary", ENVELOPE, *lab.curl_args(),
            lab.url(f"/EWS/mrsproxy.svc?peer={tag}")]
    p = subprocess.run(args, capture_output=True, text=True, timeout=30)
    body, _, code = p.stdout.rpartition("\n")
    return code, body


def main():
    if not shutil.which("curl"):
        print("curl is not installed (tools/deps.sh test installs it)")
        return 77
    lab = Lab(sys.argv[1], "exchange2016-healthy")
    try:
        user, password = lab.site["user"], lab.site["password"]
        code, body = curl(lab, "ntlm", user, password, "ntlm-good")
        check("curl --ntlm signs in", code == "200" and "ExchangeVersionInformationResponse" in body,
              f"got {code} {body[:200]!r}")
        code, _ = curl(lab, "ntlm", user, password + "x", "ntlm-bad")
        check("curl --ntlm with a wrong password is refused", code == "401", f"got {code}")
        code, _ = curl(lab, "ntlm", "CONTOSO\\someoneelse", password, "ntlm-user")
        check("curl --ntlm as another user is refused", code == "401", f"got {code}")
        code, body = curl(lab, "basic", user, password, "basic-good")
        check("curl --basic signs in", code == "200" and "ExchangeVersionInformation" in body,
              f"got {code}")
        code, _ = curl(lab, "basic", user, "wrong", "basic-bad")
        check("curl --basic with a wrong password is refused", code == "401", f"got {code}")

        logs = glob.glob(os.path.join(lab.site["logs"], "EX16-01", "W3SVC1", "u_ex*.log"))
        check("the lab wrote W3SVC1/u_exYYMMDD.log for EX16-01", len(logs) == 1, str(logs))
        text = open(logs[0], encoding="ascii", newline="").read() if logs else ""
        lines = text.split("\r\n")
        check("the log has the default #Fields line", FIELDS in lines, lines[:4])
        good = [l.split(" ") for l in lines if "peer=ntlm-good" in l]
        triples = [" ".join(f[11:14]) for f in good]
        check("NTLM logs 401 1 2148074254 then 200 0 0", triples == ["401 1 2148074254", "200 0 0"],
              str(triples))
        check("the signed-in line names the user", good and good[-1][7] == "CONTOSO\\migadmin",
              str(good[-1:]))
        check("cs-uri-query keeps the query and adds cafeReqId",
              good and good[-1][5].startswith("peer=ntlm-good&CorrelationID=<empty>;&cafeReqId="),
              str(good[-1:]))
        bad = [" ".join(l.split(" ")[11:14]) for l in lines if "peer=ntlm-bad" in l]
        check("a wrong NTLM password logs 401 1 2148074252", bad[-1:] == ["401 1 2148074252"],
              str(bad))
        check("no password in the IIS log", password not in text)
    finally:
        lab.stop()
    lab = Lab(sys.argv[1], "ep-require-healthy")
    try:
        user, password = lab.site["user"], lab.site["password"]
        code, _ = curl(lab, "ntlm", user, password, "ep-ntlm")
        check("curl --ntlm (no channel binding) is refused by Extended Protection Require",
              code == "401", f"got {code}")
        code, _ = curl(lab, "basic", user, password, "ep-basic")
        check("curl --basic signs in where Extended Protection is Require", code == "200",
              f"got {code}")
        logs = glob.glob(os.path.join(lab.site["logs"], "EX19-01", "W3SVC1", "u_ex*.log"))
        text = open(logs[0], encoding="ascii", newline="").read() if logs else ""
        ep = [" ".join(l.split(" ")[11:14]) for l in text.split("\r\n") if "peer=ep-ntlm" in l]
        check("the refusal logs 401 1 2148074310 (SEC_E_BAD_BINDINGS)",
              ep[-1:] == ["401 1 2148074310"], str(ep))
    finally:
        lab.stop()
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
