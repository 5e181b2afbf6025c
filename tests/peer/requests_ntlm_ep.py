#!/usr/bin/python3
"""Peer test: Debian's python3-requests-ntlm (ntlm-auth underneath), a client
nobody here wrote that sends a channel binding from the server certificate,
against the lab's Extended Protection scenarios:
  - it signs in where EP is Require (ep-require-healthy, ep-bridging-same-cert);
  - it is refused behind a device with its own certificate (ep-behind-ssl-offload);
  - the same client told to send no binding is refused by Require.
With curl --ntlm (tests/peer/curl_ntlm.py: refused by Require, accepted by
Allow) this shows the lab enforces what Windows enforces, independent of
migcheck's own client. Run with Debian's /usr/bin/python3.

  requests_ntlm_ep.py MIGCHECK
"""
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labutil import MRS_ENVELOPE, Checks, Lab  # noqa: E402

ENVELOPE = MRS_ENVELOPE

check = Checks()


def pin_to_loopback():
    """The lab's names (*.lab.test) go to 127.0.0.1, as curl's --resolve."""
    import urllib3.util.connection as conn
    original = conn.create_connection

    def create(address, *args, **kwargs):
        host, port = address
        if host.endswith(".lab.test"):
            host = "127.0.0.1"
        return original((host, port), *args, **kwargs)
    conn.create_connection = create


def post(lab, send_cbt, password=None):
    import requests
    from requests_ntlm import HttpNtlmAuth
    s = lab.site
    auth = HttpNtlmAuth(s["user"], password or s["password"], send_cbt=send_cbt)
    r = requests.post(lab.url("/EWS/mrsproxy.svc?peer=requests-ntlm"), data=ENVELOPE,
                      headers={"Content-Type": "application/soap+xml; charset=utf-8"},
                      auth=auth, verify=s["ca_file"], timeout=10)
    return r.status_code


def main():
    try:
        import requests_ntlm  # noqa: F401
    except ImportError:
        print("python3-requests-ntlm is not installed (tools/deps.sh test installs it)")
        return 77
    pin_to_loopback()
    migcheck = sys.argv[1]
    for scenario, want in (("ep-require-healthy", 200), ("ep-bridging-same-cert", 200),
                           ("ep-behind-ssl-offload", 401)):
        lab = Lab(migcheck, scenario)
        try:
            code = post(lab, True)
            check(f"requests-ntlm with the channel binding: {scenario} answers {want}",
                  code == want, f"got {code}")
            if scenario == "ep-require-healthy":
                code = post(lab, False)
                check("requests-ntlm without the channel binding is refused by Require",
                      code == 401, f"got {code}")
                code = post(lab, True, password="not-the-password")
                check("requests-ntlm with a wrong password is refused", code == 401,
                      f"got {code}")
        finally:
            lab.stop()
    return check.finish()


if __name__ == "__main__":
    socket.setdefaulttimeout(20)
    sys.exit(main())
