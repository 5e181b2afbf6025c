"""Helpers for the lab tests: start one lab scenario (migcheck lab --scenario
NAME --json), and count named checks."""
import json
import subprocess
import time

# The SOAP 1.2 envelope the peers POST to /EWS/mrsproxy.svc (as migcheck does).
MRS_ENVELOPE = ('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
                'xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action>'
                'http://schemas.microsoft.com/exchange/services/2006/messages/'
                'IMailboxReplicationProxyService/ExchangeVersionInformation</a:Action>'
                '</s:Header><s:Body/></s:Envelope>')


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
