#!/usr/bin/env python3
"""DNS causes against a real DNS server nobody here wrote: dnsmasq on a
loopback port, pointed at with --dns-server.

  mail.contoso.test    A 127.0.0.1   -> a public name on a loopback address:
                                        DNS_PRIVATE_ADDRESS (warn), port open
  v6only.contoso.test  AAAA ::1      -> the same for IPv6
  missing.contoso.test (NXDOMAIN)    -> DNS_NOT_FOUND (fail)
  ex01.contoso.local   A 127.0.0.1   -> an internal name on a loopback address:
                                        expected inside, not judged
and a DNS server that never answers -> verdict unknown, exit 3.

Closing line: "N passed, N failed".
"""
import json
import socket
import subprocess
import sys
import time

import dnsutil

MIGCHECK = sys.argv[1]
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def listening_tcp():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    return s


def run(*args):
    p = subprocess.run([MIGCHECK, *args, "--json"], capture_output=True, text=True,
                       timeout=60)
    try:
        return p.returncode, json.loads(p.stdout)
    except json.JSONDecodeError:
        return p.returncode, {"causes": [], "verdict": None, "stderr": p.stderr}


def ids(report):
    return sorted(c["id"] for c in report["causes"])


def main():
    try:
        dns = dnsutil.Dnsmasq([
            "--local=/contoso.test/", "--local=/contoso.local/",
            "--address=/mail.contoso.test/127.0.0.1",
            "--host-record=v6only.contoso.test,::1",
            "--address=/ex01.contoso.local/127.0.0.1",
        ])
    except RuntimeError as e:
        print(f"FAIL {e}")
        print("0 passed, 1 failed")
        return 1
    port = dns.port
    srv = listening_tcp()
    tcp_port = srv.getsockname()[1]
    try:
        code, rep = run("ports", "mail.contoso.test", str(tcp_port),
                        "--dns-server", f"127.0.0.1:{port}", "--timeout", "2")
        check("public name on loopback -> DNS_PRIVATE_ADDRESS (warn), port open",
              ids(rep) == ["DNS_PRIVATE_ADDRESS"] and rep["verdict"] == "warn" and code == 1,
              f"{code} {rep}")

        code, rep = run("ports", "v6only.contoso.test", str(tcp_port),
                        "--dns-server", f"127.0.0.1:{port}", "--timeout", "2")
        check("AAAA ::1 -> DNS_PRIVATE_ADDRESS",
              "DNS_PRIVATE_ADDRESS" in ids(rep) and code == 1, f"{code} {ids(rep)}")

        code, rep = run("ports", "missing.contoso.test", "--dns-server",
                        f"127.0.0.1:{port}", "--timeout", "2")
        check("NXDOMAIN -> DNS_NOT_FOUND", ids(rep) == ["DNS_NOT_FOUND"] and code == 1
              and rep["verdict"] == "fail", f"{code} {ids(rep)}")

        code, rep = run("tls", f"missing.contoso.test:{tcp_port}", "--dns-server",
                        f"127.0.0.1:{port}", "--timeout", "2")
        check("tls walks DNS first: DNS_NOT_FOUND", ids(rep) == ["DNS_NOT_FOUND"]
              and code == 1, f"{code} {ids(rep)}")

        # Internal names are expected to be private: no DNS_PRIVATE_ADDRESS,
        # though DNS gives a loopback address (source: the DNS server, not --resolve).
        code, rep = run("ports", "ex01.contoso.local", str(tcp_port), "--dns-server",
                        f"127.0.0.1:{port}", "--timeout", "2")
        check("internal name not judged", ids(rep) == [] and code == 0
              and f"127.0.0.1:{port}" in json.dumps(rep["steps"][0]), f"{code} {ids(rep)}")

        # A DNS server that never answers: nothing observed, verdict unknown.
        silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        silent.bind(("127.0.0.1", 0))
        sport = silent.getsockname()[1]
        t0 = time.monotonic()
        code, rep = run("ports", "mail.contoso.test", "--dns-server", f"127.0.0.1:{sport}",
                        "--timeout", "1")
        took = time.monotonic() - t0
        silent.close()
        check("silent DNS server -> unknown, exit 3", rep.get("verdict") == "unknown"
              and code == 3 and ids(rep) == [], f"{code} {rep.get('verdict')}")
        # Not a timing assertion: a hang detector with a wide margin.
        check("silent DNS server does not hang", took < 30, f"took {took:.1f} s")
    finally:
        srv.close()
        dns.stop()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
