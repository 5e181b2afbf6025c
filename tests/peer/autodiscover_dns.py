#!/usr/bin/env python3
"""migcheck autodiscover against a real DNS server nobody here wrote:
dnsmasq on a loopback port with the A and SRV records of the test domains,
pointed at with --dns-server (no --resolve at all where the lab's ports
allow it).

  contoso.test     only _autodiscover._tcp (SRV -> mail.contoso.test, the
                   lab's HTTPS port) and mail's A record: discovery goes
                   through the SRV step; the names it hands out resolve to
                   127.0.0.1, which Exchange Online could not reach
                   (AUTODISCOVER_INTERNAL_URL)
  contoso.test     A records for the discovery names, --port-map for 443:
                   found at autodiscover.contoso.test
  fabrikam.test    SRV -> autodiscover.hoster.test: outside the domain, so
                   AUTODISCOVER_UNSAFE_REDIRECT, and the target is never
                   even looked up (dnsmasq's query log)
  nowhere.test     nothing: AUTODISCOVER_NOT_FOUND, each place's reason

Closing line: "N passed, N failed".
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dnsutil import Dnsmasq  # noqa: E402
from labutil import Checks, Lab  # noqa: E402

MIGCHECK = sys.argv[1]
check = Checks()


def run(email, *args, password=None):
    env = dict(os.environ)
    if password:
        env["MIGCHECK_PASSWORD"] = password
    p = subprocess.run([MIGCHECK, "autodiscover", "--email", email, *args, "--timeout", "3",
                        "--json"], capture_output=True, text=True, env=env, timeout=60)
    try:
        return p.returncode, json.loads(p.stdout)
    except json.JSONDecodeError:
        return p.returncode, {"causes": [], "verdict": None, "stderr": p.stderr}


def ids(rep):
    return sorted(c["id"] for c in rep["causes"])


def lab_args(site, keep=("--port-map", "--ca-file")):
    """The lab's own arguments minus --resolve and --dns-server: DNS is dnsmasq's."""
    out, args = [], site["args"]
    for i in range(0, len(args) - 1, 2):
        if args[i] in keep:
            out += [args[i], args[i + 1]]
    return out


def main():
    srv_lab = Lab(MIGCHECK, "autodiscover-srv-only")
    healthy = Lab(MIGCHECK, "autodiscover-healthy")
    dns = None
    try:
        port = [a for a in srv_lab.site["args"] if a.startswith("443=")][0].split(",")[0][4:]
        dns = Dnsmasq([
            "--local=/contoso.test/", "--local=/fabrikam.test/", "--local=/nowhere.test/",
            "--local=/hoster.test/", "--log-queries",
            "--host-record=mail.contoso.test,127.0.0.1",
            f"--srv-host=_autodiscover._tcp.contoso.test,mail.contoso.test,{port},0,0",
            "--srv-host=_autodiscover._tcp.fabrikam.test,autodiscover.hoster.test,443,0,0",
            "--host-record=autodiscover.hoster.test,127.0.0.1",
        ])
        user = ["--user", "CONTOSO\\migadmin", "--dns-server", dns.server]
        pw = srv_lab.site["password"]
        code, rep = run("migadmin@contoso.test", *user, "--ca-file",
                        srv_lab.site["ca_file"], password=pw)
        url = rep.get("autodiscover", {}).get("url", "")
        check("SRV from dnsmasq leads to Autodiscover on mail.contoso.test",
              url.startswith("https://mail.contoso.test:"), json.dumps(rep)[:600])
        check("names on 127.0.0.1 from real DNS -> AUTODISCOVER_INTERNAL_URL (warn)",
              ids(rep) == ["AUTODISCOVER_INTERNAL_URL"] and rep["verdict"] == "warn"
              and code == 1, f"{code} {ids(rep)}")

        code, rep = run("alice@fabrikam.test", *user, password=pw)
        check("SRV target outside the domain -> AUTODISCOVER_UNSAFE_REDIRECT",
              ids(rep) == ["AUTODISCOVER_UNSAFE_REDIRECT"] and code == 1, f"{code} {ids(rep)}")
        with open(os.path.join(dns.tmp, "dnsmasq.log"), encoding="utf-8", errors="replace") as f:
            log = f.read()
        check("the SRV target was never looked up",
              "_autodiscover._tcp.fabrikam.test" in log and "autodiscover.hoster.test" not in
              log.split("_autodiscover._tcp.fabrikam.test", 1)[1], log[-800:])

        code, rep = run("alice@nowhere.test", *user, password=pw)
        cause = [c for c in rep["causes"] if c["id"] == "AUTODISCOVER_NOT_FOUND"]
        seen = " ".join(e.get("detail", "") for c in cause for e in c.get("evidence", []))
        check("nothing in DNS -> AUTODISCOVER_NOT_FOUND with each place's reason",
              ids(rep) == ["AUTODISCOVER_NOT_FOUND"] and code == 1 and
              seen.count("no such name") >= 4, f"{code} {ids(rep)} {seen}")
        dns.stop()

        # The healthy lab through dnsmasq's A records and --port-map (no --resolve).
        dns = Dnsmasq(["--local=/contoso.test/", "--host-record=contoso.test,127.0.0.1",
                       "--host-record=autodiscover.contoso.test,127.0.0.1",
                       "--host-record=mail.contoso.test,127.0.0.1"])
        code, rep = run("migadmin@contoso.test", "--user", "CONTOSO\\migadmin", "--dns-server",
                        dns.server, *lab_args(healthy.site), password=pw)
        check("A records from dnsmasq + --port-map -> found at autodiscover.contoso.test",
              rep.get("autodiscover", {}).get("url") ==
              "https://autodiscover.contoso.test/autodiscover/autodiscover.xml" and
              ids(rep) == ["AUTODISCOVER_INTERNAL_URL"], f"{code} {ids(rep)} {rep.get('autodiscover')}")
    finally:
        if dns:
            dns.stop()
        srv_lab.stop()
        healthy.stop()
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
