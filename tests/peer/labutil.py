"""Helpers for the lab tests: start one lab scenario (migcheck lab --scenario
NAME --json), make a CA and a server certificate with openssl(1), and count
named checks."""
import json
import os
import subprocess
import time

# The SOAP 1.2 envelope the peers POST to /EWS/mrsproxy.svc (as migcheck does).
MRS_ENVELOPE = ('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
                'xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action>'
                'http://schemas.microsoft.com/exchange/services/2006/messages/'
                'IMailboxReplicationProxyService/ExchangeVersionInformation</a:Action>'
                '</s:Header><s:Body/></s:Envelope>')


def make_pki(d, name, days=365, also=()):
    """A CA and a leaf certificate for the DNS name `name` and the names in
    `also` (P-256, the leaf valid for `days` days), made with openssl(1) in
    folder d: the paths of ca.pem, leaf.pem and leaf.key there."""
    def run(*a):
        subprocess.run(["openssl", *a], cwd=d, check=True, capture_output=True, timeout=60)
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "ca.key", "-out", "ca.pem", "-days", "365", "-subj", "/CN=Peer Test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", f"/CN={name}")
    with open(os.path.join(d, "leaf.ext"), "w") as f:
        names = ",".join(f"DNS:{n}" for n in (name, *also))
        f.write(f"subjectAltName={names}\nextendedKeyUsage=serverAuth\n"
                "basicConstraints=CA:FALSE\n")
    run("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "leaf.pem", "-days", str(days), "-extfile", "leaf.ext")
    return tuple(os.path.join(d, n) for n in ("ca.pem", "leaf.pem", "leaf.key"))


class Lab:
    def __init__(self, migcheck, scenario):
        self.proc = subprocess.Popen([migcheck, "lab", "--scenario", scenario, "--json"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.site = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("lab exited early: " + self.proc.stderr.read())
            obj = json.loads(line)
            if obj.get("ready"):
                return
            self.site = obj
        raise RuntimeError("lab not ready in 30 s")

    def url(self, path):
        return f"https://{self.site['host']}:{self.site['port']}{path}"

    def curl_args(self):
        s = self.site
        return ["--resolve", f"{s['host']}:{s['port']}:127.0.0.1", "--cacert", s["ca_file"]]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


class Checks:
    """Named checks: prints ok/FAIL per check and a closing count."""

    def __init__(self):
        self.passed = self.failed = 0

    def __call__(self, name, cond, detail=""):
        if cond:
            self.passed += 1
            print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name} {detail}")

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0
