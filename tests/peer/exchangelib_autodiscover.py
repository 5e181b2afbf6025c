#!/usr/bin/python3
"""exchangelib (Debian's python3-exchangelib, an Autodiscover client nobody
here wrote) runs its POX autodiscover against the lab's autodiscover-healthy
scenario and must find the same EWS URL that migcheck reports.

How exchangelib is pointed at the lab, in this script only:
  - its DNS checks (dnspython: the A lookup before each URL, the SRV lookup)
    go to a real DNS server, dnsmasq on a loopback port, holding the A
    records of contoso.test (BaseAutodiscovery.DNS_RESOLVER_ATTRS);
  - requests itself resolves with getaddrinfo, so socket.getaddrinfo is
    wrapped to send *.contoso.test to 127.0.0.1;
  - the discovery order means port 443; exchangelib's own adapter hook
    (BaseProtocol.HTTP_ADAPTER_CLS) gets a requests adapter that sends port
    443 to the lab's HTTPS port and trusts the lab's CA.
Everything else (the order, the POX request, NTLM, the XML parsing, which
protocol's EwsUrl to take) is exchangelib's own.

Run with Debian's /usr/bin/python3 (where python3-exchangelib lives).
Closing line: "N passed, N failed".
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labutil import Checks, Lab  # noqa: E402
from dnsutil import Dnsmasq  # noqa: E402

MIGCHECK = sys.argv[1]
check = Checks()


def main():
    try:
        import requests.adapters
        import exchangelib
        from exchangelib.autodiscover.discovery.base import BaseAutodiscovery
        from exchangelib.autodiscover.discovery.pox import discover
        from exchangelib.protocol import BaseProtocol
    except ImportError as e:
        check("python3-exchangelib is installed (make test installs it)", False, str(e))
        return check.finish()
    tmp = tempfile.mkdtemp()
    os.environ["TMPDIR"] = tmp          # exchangelib keeps an autodiscover cache file there
    tempfile.tempdir = tmp
    lab = Lab(MIGCHECK, "autodiscover-healthy")
    dns = Dnsmasq(["--host-record=contoso.test,127.0.0.1",
                   "--host-record=autodiscover.contoso.test,127.0.0.1",
                   "--host-record=mail.contoso.test,127.0.0.1", "--local=/contoso.test/"])
    try:
        site = lab.site
        args = site["args"]
        https_port = int([a for a in args if a.startswith("443=")][0].split(",")[0][4:])
        password = site["password"]

        # migcheck first.
        env = dict(os.environ, MIGCHECK_PASSWORD=password)
        p = subprocess.run([MIGCHECK, "autodiscover", "--email", site["target"], "--user",
                            "CONTOSO\\migadmin", *args, "--timeout", "5", "--json"],
                           capture_output=True, text=True, env=env, timeout=60)
        report = json.loads(p.stdout)
        ours = report.get("autodiscover", {}).get("ews_url")
        check("migcheck finds the settings", p.returncode == 0 and ours, p.stdout[-400:])

        # exchangelib, pointed at the lab.
        ca = site["ca_file"]

        class LabAdapter(requests.adapters.HTTPAdapter):
            def send(self, request, **kwargs):
                u = urlsplit(request.url)
                if u.hostname and u.hostname.endswith("contoso.test") and not u.port:
                    request.url = urlunsplit((u.scheme, f"{u.hostname}:{https_port}", u.path,
                                              u.query, u.fragment))
                kwargs["verify"] = ca
                return super().send(request, **kwargs)

        BaseProtocol.HTTP_ADAPTER_CLS = LabAdapter
        BaseAutodiscovery.DNS_RESOLVER_ATTRS = {"nameservers": ["127.0.0.1"], "port": dns.port}
        real_gai = socket.getaddrinfo

        def lab_gai(host, *a, **k):
            if isinstance(host, str) and host.endswith("contoso.test"):
                host = "127.0.0.1"
            return real_gai(host, *a, **k)

        socket.getaddrinfo = lab_gai
        creds = exchangelib.Credentials("CONTOSO\\migadmin", password)
        try:
            ad, protocol = discover(site["target"], credentials=creds)
            theirs = protocol.service_endpoint
        except Exception as e:  # a failure of the peer is a failed check, with its words
            theirs = None
            check("exchangelib's POX autodiscover succeeds", False, f"{type(e).__name__}: {e}")
        finally:
            socket.getaddrinfo = real_gai
        if theirs:
            check("exchangelib's POX autodiscover succeeds", True)
            check(f"the same EWS URL: migcheck {ours}, exchangelib {theirs}",
                  ours and theirs.lower() == ours.lower())
    finally:
        dns.stop()
        lab.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
