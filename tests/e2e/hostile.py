#!/usr/bin/env python3
"""Hostile servers (issue 19): what a case file cannot say.

  hostile.py MIGCHECK

- A login that a device blocks or redirects is the last request carrying
  credentials: no Basic login and no NTLM repeats follow it (the JSON
  traffic section lists every request sent).
- A chain of 201 certificates is told as 201, not as the 10 kept.
- An IMAP session that breaks off before any login says so, not "after the
  login".
- A TLS server that stalls when handshakes come in a burst (Python's ssl
  module, OpenSSL underneath): the suites that got no answer are tried
  again alone and accepted; when it stays stalled they are "not known",
  never TLS_CLOUD_CIPHER_MISMATCH (CI once saw that cause under load); a
  cloud profile closed once and unanswered the second time is no verdict.
- A server whose handshakes fail only for the requests (libcurl's, told by
  their ALPN): remote-move and outlook-anywhere give no verdict and name no
  cause, no step fails, and the certificate hunt after it says how many of
  its handshakes completed; one front-door request so and the other
  answered 404 is no fail either. A server that completes one handshake and
  closes every one after it leaves the versions, and the verdict, unknown.
  Autodiscover whose requests fail TLS where the certificate only expires
  soon: a warning, not a fail.
- An address of the name that this machine cannot reach is not compared
  (no DNS_ADDRESSES_DISAGREE): unknown.
- remote-move --repeat 0 against an NTLM-only front door that answers the
  login with MRSProxy's 403 names MRSPROXY_DISABLED; one whose 6 MiB POST
  gets no connection (its handshake closed) names no size limit; a WAF's
  200 block page on mrsproxy.svc is MRSPROXY_URL_BLOCKED, not a sign-in.
"""
import base64
import json
import os
import select
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peer"))
from labutil import Checks, Lab, make_pki  # noqa: E402

check = Checks()


LAB_PASSWORD = "Lab-Secret-7f3a9q"   # the lab's public migration account password
USER = ["--user", "CONTOSO\\migadmin"]
RM_NO_REPEATS = ["remote-move", "mail.test:PORT"] + USER + ["--repeat", "0"]


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


def read_request(t, buf=b""):
    """One HTTP request from t (buf: bytes already read): its head's lines,
    its header fields (names in small letters) and what was read past its
    Content-Length body; None when the peer closes first."""
    while b"\r\n\r\n" not in buf:
        more = t.recv(65536)
        if not more:
            return None
        buf += more
    head, buf = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin1").split("\r\n")
    fields = {k.strip().lower(): v.strip() for k, _, v in
              (line.partition(":") for line in lines[1:])}
    size = int(fields.get("content-length", "0") or 0)
    while len(buf) < size:
        more = t.recv(65536)
        if not more:
            return None
        buf += more
    return lines, fields, buf[size:]


class SlowTls:
    """A TLS 1.2-1.3 server on 127.0.0.1 (Python's ssl, one thread a
    connection) that waits `pause` seconds after each accept, then asks
    plan(n, crowded) what to do with handshake n (0, 1, ...; a connect
    closed within the pause, the walk's TCP step, is no handshake), crowded
    when another connection was open meanwhile: "serve", "stall" (read and
    answer nothing until the client goes) or "close" (read the ClientHello,
    then close)."""

    def __init__(self, d, plan, pause, hello=False, names=("mail.test",), days=365):
        self.ca, crt, key = make_pki(d, names[0], days, names[1:])
        self.hello = hello          # plan(n, crowded, http): http when the ClientHello offers
        self.http = 0               # ALPN http/1.1, as libcurl's does (migcheck's probes offer none)
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        self.ctx.load_cert_chain(crt, key)
        self.plan, self.pause = plan, pause
        self.lock = threading.Lock()
        self.active = self.handshakes = self.stalled = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.open = True
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while self.open:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.handle, args=(c,), daemon=True).start()

    def gone(self, c):
        """Wait `pause` seconds; whether the client closed meanwhile."""
        end = time.monotonic() + self.pause
        while (left := end - time.monotonic()) > 0:
            if select.select([c], [], [], left)[0]:
                if not c.recv(1, socket.MSG_PEEK):
                    return True
                time.sleep(max(0, end - time.monotonic()))
        return False

    def handle(self, c):
        with self.lock:
            self.active += 1
        try:
            if self.gone(c):
                return
            args = (self.handshakes, self.active > 1)
            if self.hello:
                http = self.offers_http(c)
                self.http += http
                args += (http,)
            with self.lock:
                what = self.plan(*args)
                self.handshakes += 1
                self.stalled += what == "stall"
            c.settimeout(60)
            if what == "close":
                c.recv(4096)
            elif what == "stall":
                while c.recv(4096):
                    pass
            elif isinstance(what, bytes):   # an HTTP answer to the request that comes
                with self.ctx.wrap_socket(c, server_side=True) as t:
                    self.answer(t, what)
            else:
                with self.ctx.wrap_socket(c, server_side=True) as t:
                    t.recv(1)
        except (OSError, ssl.SSLError):
            pass
        finally:
            with self.lock:
                self.active -= 1
            c.close()

    @staticmethod
    def answer(t, response):
        """Reads one request, sends response, closes."""
        if read_request(t):
            t.sendall(response)

    @staticmethod
    def offers_http(c):
        """Whether the ClientHello waiting on c (peeked, left to be read)
        offers ALPN http/1.1."""
        c.settimeout(10)
        data = b""
        while len(data) < 5 or len(data) < 5 + int.from_bytes(data[3:5], "big"):
            more = c.recv(16384, socket.MSG_PEEK)
            if len(more) == len(data):
                break
            data = more
        return b"http/1.1" in data

    def stop(self):
        self.open = False
        self.sock.close()


def tls_run(migcheck, srv, timeout):
    cmd = [migcheck, "tls", f"mail.test:{srv.port}", "--resolve",
           f"mail.test:{srv.port}:127.0.0.1", "--ca-file", srv.ca, "--timeout", str(timeout),
           "--json"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    report = json.loads(p.stdout) if p.stdout.startswith("{") else {}
    return report, [c["id"] for c in report.get("causes", [])], p.stdout[-600:]


def against(migcheck, srv, words, timeout=3):
    """Runs migcheck WORDS against srv as mail.test (PORT in a word is the
    server's port), with the lab's password: the process, its JSON report
    and the report's cause ids."""
    cmd = [migcheck] + [w.replace("PORT", str(srv.port)) for w in words] + [
        "--resolve", f"mail.test:{srv.port}:127.0.0.1", "--ca-file", srv.ca,
        "--timeout", str(timeout), "--json"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                       stdin=subprocess.DEVNULL,
                       env=dict(os.environ, MIGCHECK_PASSWORD=LAB_PASSWORD))
    report = json.loads(p.stdout) if p.stdout.startswith("{") else {}
    return p, report, [c["id"] for c in report.get("causes", [])]


def step(report, title):
    found = [s for s in report.get("steps", []) if s.get("title", "").startswith(title)]
    return found[0] if found else {}


def slow_tls(migcheck):
    """No answer in time is never a refusal: not for the burst of one
    handshake a suite, not for the cloud profile's second try."""
    overloaded = []

    def bursts(n, crowded):
        return "stall" if crowded else "serve"

    def stays(n, crowded):
        if crowded:
            overloaded.append(n)
        return "stall" if overloaded else "serve"

    def profile_untold(n, crowded):     # cloud profile closed, every suite taken, then silence
        return ["close", "serve"][n] if n < 2 else "stall"

    def first_only(n, crowded):         # one handshake, then every one closed
        return "serve" if n == 0 else "close"

    for name, plan, pause, timeout in (("stalls on bursts", bursts, 0.1, 6),
                                       ("stays stalled after a burst", stays, 0.5, 3),
                                       ("refuses the cloud profile, then stalls",
                                        profile_untold, 0.3, 2),
                                       ("completes one handshake, then closes each",
                                        first_only, 0.05, 3)):
        with tempfile.TemporaryDirectory() as d:
            srv = SlowTls(d, plan, pause)
            try:
                report, causes, tail = tls_run(migcheck, srv, timeout)
            finally:
                srv.stop()
        if plan is not first_only:
            check(f"tls, a server that {name}: a handshake met a stall", srv.stalled > 0,
                  str(srv.stalled))
        check(f"tls, a server that {name}: no TLS_CLOUD_CIPHER_MISMATCH", causes == [],
              f"{causes} {tail}")
        suites = json.dumps(step(report, "Exchange Online's cipher suites"))
        hand = step(report, "TLS handshake")
        if plan is bursts:
            check(f"tls, a server that {name}: suites tried again alone, accepted",
                  '"status": "pass"' in suites and "one at a time" in suites, suites[:600])
        elif plan is stays:
            check(f"tls, a server that {name}: suites not known, verdict unknown",
                  '"status": "unknown"' in suites and '"not known"' in suites and
                  '"refused"' not in suites and report.get("verdict") == "unknown",
                  suites[:600])
        elif plan is first_only:
            versions = step(report, "Protocol versions")
            check(f"tls, a server that {name}: versions unknown, verdict unknown, no cause",
                  versions.get("status") == "unknown" and report.get("verdict") == "unknown"
                  and causes == [], json.dumps(versions)[:600])
        else:
            check(f"tls, a server that {name}: the handshake step unknown, verdict unknown",
                  hand.get("status") == "unknown" and "no verdict" in json.dumps(hand) and
                  report.get("verdict") == "unknown", json.dumps(hand)[:600])


def all_steps(steps):
    for st in steps:
        yield st
        yield from all_steps(st.get("steps", []))


NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


def hunt(migcheck):
    """A request that fails TLS although the walk's handshake passed (a
    server behind the address that does so now and then): libcurl's
    handshakes, told by their ALPN, are closed (all of them, or the first
    only, the others answered 404); migcheck's own are served until then.
    The walk cannot say what the request would have met: no step fails, the
    verdict is unknown with no cause (it was "fail" with none named); then
    six more handshakes look for another server's certificate, and the
    report says how many completed."""
    rm = ["remote-move", "mail.test:PORT"]
    oa = ["outlook-anywhere", "--rpc-proxy", "mail.test:PORT", "--exchange-server",
          "ex01.mail.test"]
    for name, words, http_plan, after, want in (
            ("remote-move, its requests' handshakes closed, then the hunt's stalled", rm,
             lambda k: "close", "stall", "of 6 more handshakes 0 completed"),
            ("outlook-anywhere, its requests' handshakes closed, then the hunt's served", oa,
             lambda k: "close", "serve", "6 more handshakes all showed a good certificate"),
            ("remote-move, one front-door request's handshake closed, the other answered 404",
             rm, lambda k: "close" if k == 0 else NOT_FOUND, "serve",
             "6 more handshakes all showed a good certificate")):
        failed = []

        def plan(n, crowded, http):
            if http:
                failed.append(n)
                return http_plan(len(failed) - 1)
            return after if failed else "serve"

        with tempfile.TemporaryDirectory() as d:
            srv = SlowTls(d, plan, 0.05, hello=True)
            try:
                p, report, _ = against(migcheck, srv, words + USER, timeout=2)
            finally:
                srv.stop()
        check(f"{name}: libcurl's handshakes told and closed", srv.http > 0 and failed,
              f"{srv.http} {failed}")
        steps = list(all_steps(report.get("steps", [])))
        failing = [st["title"] for st in steps if st.get("status") in ("fail", "warn")]
        check(f"{name}: no step fails, verdict unknown, no cause",
              not failing and report.get("verdict") == "unknown" and not report.get("causes"),
              f"{failing} {report.get('verdict')} {report.get('causes')} {p.stdout[-400:]}")
        hunted = step(report, "Certificates behind").get("summary", "")
        check(f"{name}: the hunt says what its handshakes showed", want in hunted, hunted)


def autodiscover_warned(migcheck):
    """Autodiscover's requests fail TLS (libcurl's handshakes closed) and a
    strict client's look at the places finds only a warning, a certificate
    that expires in 10 days: that does not explain the failure. The verdict
    is the warning, not a fail (it was "fail" with only the warning named)."""
    def plan(n, crowded, http):
        return "close" if http else "serve"

    with tempfile.TemporaryDirectory() as d:
        srv = SlowTls(d, plan, 0.05, hello=True,
                      names=("adtest.test", "autodiscover.adtest.test"), days=10)
        try:
            cmd = [migcheck, "autodiscover", "--email", "alice@adtest.test",
                   "--resolve", "adtest.test:*:127.0.0.1",
                   "--resolve", "autodiscover.adtest.test:*:127.0.0.1",
                   "--port-map", f"443={srv.port},80=9", "--dns-server", "127.0.0.1:9",
                   "--ca-file", srv.ca, "--timeout", "2", "--json"]
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                               stdin=subprocess.DEVNULL)
        finally:
            srv.stop()
    report = json.loads(p.stdout) if p.stdout.startswith("{") else {}
    failing = [st["title"] for st in all_steps(report.get("steps", []))
               if st.get("status") == "fail"]
    causes = [c["id"] for c in report.get("causes", [])]
    check("autodiscover, requests failing TLS, a certificate that expires soon: a warning, "
          "no step fails", srv.http > 0 and not failing and report.get("verdict") == "warn"
          and causes == ["TLS_CERT_EXPIRES_SOON"],
          f"{srv.http} {failing} {report.get('verdict')} {causes}")


def unreachable_address(migcheck):
    """A name whose second address this machine cannot reach (224.0.0.1: the
    kernel refuses a TCP connect to a multicast address at once, and no
    packet leaves; as an IPv6 address does on a machine without IPv6): not
    compared, so not DNS_ADDRESSES_DISAGREE (the server did nothing), but not
    known either: the address and the verdict are unknown."""
    with tempfile.TemporaryDirectory() as d:
        srv = SlowTls(d, lambda n, crowded: "serve", 0.0)
        try:
            cmd = [migcheck, "tls", f"mail.test:{srv.port}", "--resolve",
                   f"mail.test:{srv.port}:127.0.0.1,224.0.0.1", "--ca-file", srv.ca,
                   "--timeout", "3", "--json"]
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                               stdin=subprocess.DEVNULL)
        finally:
            srv.stop()
    report = json.loads(p.stdout) if p.stdout.startswith("{") else {}
    causes = [c["id"] for c in report.get("causes", [])]
    each = {a["address"]: a for x in report.get("addresses", []) for a in x.get("each", [])}
    check("tls, an address this machine cannot reach: not a disagreement, verdict unknown",
          causes == [] and report.get("verdict") == "unknown" and p.returncode == 3 and
          step(report, "Every address").get("status") == "unknown",
          f"{causes} {report.get('verdict')} {p.returncode} {step(report, 'Every address')}")
    check("tls, an address this machine cannot reach: its 'agrees' is null in the JSON",
          "224.0.0.1" in each and each["224.0.0.1"].get("agrees", False) is None and
          each.get("127.0.0.1", {}).get("agrees") is True, json.dumps(each)[:400])


class NtlmOnly:
    """An Exchange front door in Python's ssl: IIS headers, 401 offering
    Negotiate and NTLM (no Basic), an NTLM challenge to the negotiate
    message, and to the authenticate message `after` (the status line and
    body); the handshakes of libcurl's connections (told by their ALPN)
    numbered in `close` (0, 1, ... in the order they come) are closed. With
    `waf`, every request for mrsproxy.svc gets a WAF's block page with 200
    instead, no Exchange header."""

    def __init__(self, d, after, close=(), waf=False):
        self.close, self.http, self.waf = close, 0, waf
        self.ca, crt, key = make_pki(d, "mail.test")
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(crt, key)
        self.after = after
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.handle, args=(c,), daemon=True).start()

    @staticmethod
    def challenge():
        def utf16(x):
            return x.encode("utf-16-le")

        def av(kind, value):
            return struct.pack("<HH", kind, len(value)) + value
        target = utf16("CONTOSO")
        info = (av(2, utf16("CONTOSO")) + av(1, utf16("EX01")) + av(4, utf16("contoso.test")) +
                av(3, utf16("ex01.contoso.test")) + av(7, struct.pack("<Q", 133000000000000000)) +
                av(0, b""))
        head = (b"NTLMSSP\0" + struct.pack("<I", 2) +
                struct.pack("<HHI", len(target), len(target), 56) +
                struct.pack("<I", 0xE2898215) + os.urandom(8) + b"\0" * 8 +
                struct.pack("<HHI", len(info), len(info), 56 + len(target)) +
                bytes([10, 0, 0x61, 0x4A, 0, 0, 0, 15]))
        return base64.b64encode(head + target + info).decode()

    def handle(self, c):
        def send(t, status, headers, body=b""):
            h = "".join(f"{k}: {v}\r\n" for k, v in headers)
            t.sendall(f"HTTP/1.1 {status}\r\n{h}Content-Length: {len(body)}\r\n\r\n".encode()
                      + body)
        try:
            c.settimeout(20)
            if self.close and SlowTls.offers_http(c):
                self.http += 1
                if self.http - 1 in self.close:
                    c.recv(16384)
                    return
            t = self.ctx.wrap_socket(c, server_side=True)
            buf = b""
            while True:
                request = read_request(t, buf)
                if not request:
                    return
                lines, fields, buf = request
                auth = fields.get("authorization", "")
                iis = [("Server", "Microsoft-IIS/10.0"), ("X-FEServer", "EX01")]
                if self.waf and "mrsproxy" in lines[0].lower():
                    send(t, "200 OK", [("Content-Type", "text/html")],
                         b"<html><head><title>Request Rejected</title></head><body>The "
                         b"requested URL was rejected. Please consult with your "
                         b"administrator.</body></html>")
                    return
                if auth.startswith("NTLM ") and base64.b64decode(auth[5:])[8] == 1:
                    send(t, "401 Unauthorized", iis + [("WWW-Authenticate",
                                                        "NTLM " + self.challenge())])
                elif auth:
                    status, body = self.after
                    send(t, status, iis + [("Content-Type", "text/html")], body)
                    return
                else:
                    send(t, "401 Unauthorized", iis + [("WWW-Authenticate", "Negotiate"),
                                                       ("WWW-Authenticate", "NTLM")])
        except (OSError, ssl.SSLError, ValueError, IndexError):
            pass
        finally:
            c.close()

    def stop(self):
        self.sock.close()


def ntlm_only_no_repeats(migcheck):
    """MRSProxy off (403 "MRS proxy service is disabled" after the NTLM
    login) where EWS offers no Basic, with --repeat 0: the login's answer is
    the only one there is, and it names MRSPROXY_DISABLED (the cause was
    lost: the verdict failed on EWS_BASIC_AUTH_DISABLED, a warning, alone)."""
    with tempfile.TemporaryDirectory() as d:
        srv = NtlmOnly(d, ("403 Forbidden", b"<html><title>403 - Forbidden</title>"
                           b"MRS proxy service is disabled</html>"))
        try:
            p, report, causes = against(migcheck, srv, RM_NO_REPEATS)
        finally:
            srv.stop()
    check("remote-move --repeat 0, NTLM only, 403 after the login: MRSPROXY_DISABLED",
          "MRSPROXY_DISABLED" in causes and report.get("verdict") == "fail",
          f"{causes} {report.get('verdict')} {p.stdout[-300:]}")


def large_request_no_connection(migcheck):
    """Signed in with NTLM (--repeat 0: libcurl's connections are the front
    door's two, the login, the 6 MiB POST), the 6 MiB POST's handshake
    closed: nothing was uploaded, so no size limit is named (a 64 KiB POST
    that then passed on a new connection made it HTTP_REQUEST_TOO_LARGE);
    the step is unknown and the certificate hunt runs."""
    soap = (b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">'
            b'<s:Body/></s:Envelope>')
    with tempfile.TemporaryDirectory() as d:
        srv = NtlmOnly(d, ("200 OK", soap), close=(3,))
        try:
            p, report, causes = against(migcheck, srv, RM_NO_REPEATS)
        finally:
            srv.stop()
    large = step(report, "An MRS-sized request")
    check("remote-move, the 6 MiB POST's handshake closed: no size limit named, unknown, "
          "hunted", "HTTP_REQUEST_TOO_LARGE" not in causes and large.get("status") == "unknown"
          and "could not be sent" in large.get("summary", "") and
          step(report, "Certificates behind").get("status") == "unknown",
          f"{causes} {json.dumps(large)[:300]}")


def waf_block_page(migcheck):
    """A WAF in front that answers every mrsproxy.svc request with its block
    page and 200 (no SOAP, no Exchange header), while Exchange.asmx reaches
    Exchange: MRSPROXY_URL_BLOCKED. Until the audit a 2xx of any kind was
    the service: 'signed in; MRSProxy answered 200', the 6 MiB POST passed,
    and the verdict was a warning with no cause."""
    with tempfile.TemporaryDirectory() as d:
        srv = NtlmOnly(d, ("403 Forbidden", b""), waf=True)
        try:
            p, report, causes = against(migcheck, srv, ["remote-move", "mail.test:PORT"] + USER)
        finally:
            srv.stop()
    signed = step(report, "Sign in to MRSProxy")
    check("remote-move, a WAF's 200 block page on mrsproxy.svc: MRSPROXY_URL_BLOCKED, "
          "not signed in", "MRSPROXY_URL_BLOCKED" in causes and report.get("verdict") == "fail"
          and signed.get("status") != "pass", f"{causes} {report.get('verdict')} {signed}")


def main():
    migcheck = sys.argv[1]
    blocked_logins(migcheck)
    long_chain(migcheck)
    imap_before_login(migcheck)
    slow_tls(migcheck)
    hunt(migcheck)
    autodiscover_warned(migcheck)
    unreachable_address(migcheck)
    ntlm_only_no_repeats(migcheck)
    large_request_no_connection(migcheck)
    waf_block_page(migcheck)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
