#!/usr/bin/env python3
"""Peer tests for Outlook Anywhere: programs nobody here wrote against the lab's
RPC proxy, and Wireshark's dissectors against migcheck's own traffic.

  oa_peers.py MIGCHECK

- impacket (python3-impacket): its RPC over HTTP v2 client opens a virtual
  connection through oa-healthy and binds NSPI, with NTLM (RemoteName taken
  from the challenge) and with Basic; against oa-validports-missing-6004 it
  fails with the proxy's 0x6ba.
- Samba (python3-samba): its client completes the RTS handshake through
  oa-healthy (the lab logs the OUT channel 200 0 0: CONN/C2 went out after
  CONN/B1) and its bind comes back answered through the tunnel. Samba's
  Python bindings have no NSPI client, so it binds MGMT (as mgmt.mgmt
  does), which the lab's back end rejects as not offered:
  NT_STATUS_RPC_UNSUPPORTED_NAME_SYNTAX is that answer.
- tshark: a capture of migcheck's own traffic to oa-healthy on lo,
  decrypted with the TLS key log libcurl writes (SSLKEYLOGFILE). Wireshark
  4.0 dissects the RTS PDUs that ride in the HTTP message head's segment
  (CONN/A1, CONN/A3); the rest of the 1 GiB bodies shows as HTTP
  continuation, so the decrypted streams are also re-framed PDU by PDU on
  TCP port 135 (text2pcap) and dissected as DCE/RPC. No malformed mark
  may appear in either, and B1, C2, bind and bind_ack must all be there.

Interpreter: impacket and samba are Debian's, so they run under
/usr/bin/python3 whatever python3 runs this file.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labutil import Checks, Lab  # noqa: E402

PY = "/usr/bin/python3"
check = Checks()

IMPACKET = r'''
import sys
from impacket.dcerpc.v5 import transport, nspi
from impacket.dcerpc.v5.rpcrt import RPC_C_AUTHN_LEVEL_NONE
from impacket import http as ihttp
url, name, pw, mode = sys.argv[1:5]
t = transport.DCERPCTransportFactory('ncacn_http:%s[6004,RpcProxy=placeholder:443]' % name)
t.set_rpc_proxy_url(url)
t.set_credentials('migadmin', pw, 'CONTOSO')
if mode == 'basic':
    t.set_auth_type(ihttp.AUTH_BASIC)
dce = t.get_dce_rpc()
dce.set_auth_level(RPC_C_AUTHN_LEVEL_NONE)
try:
    dce.connect()
    dce.bind(nspi.MSRPC_UUID_NSPI)
    print("BOUND NSPI")
except Exception as e:
    print("ERROR %s" % e)
'''

SAMBA = r'''
import sys
from samba import param, credentials
from samba.dcerpc import mgmt
host, port, name, pw = sys.argv[1:5]
lp = param.LoadParm()
lp.set('tls verify peer', 'no_check')
creds = credentials.Credentials()
creds.guess(lp)
creds.set_username('migadmin')
creds.set_password(pw)
creds.set_domain('CONTOSO')
b = 'ncacn_http:%s[6004,RpcProxy=%s:%s,HttpAuthOption=basic]' % (name, host, port)
try:
    mgmt.mgmt(b, lp, creds)
    print("BOUND")
except Exception as e:
    print("ERROR %s" % (e,))
'''


def has_module(mod):
    return os.path.exists(PY) and subprocess.run(
        [PY, "-c", f"import {mod}"], capture_output=True).returncode == 0


def impacket(migcheck):
    for scenario, want in (("oa-healthy", True), ("oa-validports-missing-6004", False)):
        lab = Lab(migcheck, scenario)
        try:
            url = f"https://127.0.0.1:{lab.site['port']}/rpc/rpcproxy.dll"
            pw = lab.site["password"]
            for name, mode in (("", "ntlm"), ("ex01.contoso.local", "basic")):
                p = subprocess.run([PY, "-c", IMPACKET, url, name, pw, mode],
                                   capture_output=True, text=True, timeout=60)
                out = (p.stdout + p.stderr).strip()
                label = f"impacket {mode} {name or '(name from the NTLM challenge)'} on {scenario}"
                if want:
                    check(f"{label}: virtual connection and NSPI bind", "BOUND NSPI" in out, out)
                else:
                    check(f"{label}: refused with 0x6ba", "0x6ba" in out and "BOUND" not in out,
                          out)
        finally:
            lab.stop()


def samba(migcheck):
    lab = Lab(migcheck, "oa-healthy")
    try:
        p = subprocess.run([PY, "-c", SAMBA, "127.0.0.1", str(lab.site["port"]),
                            "ex01.contoso.local", lab.site["password"]],
                           capture_output=True, text=True, timeout=60)
        out = (p.stdout + p.stderr).strip()
        log = read_log(lab.site["logs"])      # the lab removes its directory at stop
    finally:
        lab.stop()
    out_lines = [l.split(" ") for l in log if " RPC_OUT_DATA " in l and ":6004 " in l]
    check("Samba: the OUT channel got CONN/A3 and CONN/C2 (logged 200 0 0)",
          any(f[11:14] == ["200", "0", "0"] for f in out_lines), str(out_lines))
    check("Samba: its bind went through the tunnel and was answered (MGMT not offered)",
          "NT_STATUS_RPC_UNSUPPORTED_NAME_SYNTAX" in out or "name syntax is not supported" in out,
          out[-400:])


def read_log(dirname):
    lines = []
    for root, _, files in os.walk(dirname):
        for f in files:
            if f.startswith("u_ex") and f.endswith(".log"):
                with open(os.path.join(root, f), encoding="ascii", errors="replace", newline="") as fh:
                    lines += fh.read().split("\r\n")
    return lines


def follow_streams(tshark, cap, keys, port):
    """Decrypted payload of each TCP stream: {stream: (client_bytes, server_bytes)}."""
    p = subprocess.run([tshark, "-r", cap, "-o", f"tls.keylog_file:{keys}", "-T", "fields",
                        "-e", "tcp.stream"], capture_output=True, text=True, timeout=60)
    streams = sorted({int(s) for s in p.stdout.split() if s.strip()})
    out = {}
    for s in streams:
        p = subprocess.run([tshark, "-r", cap, "-o", f"tls.keylog_file:{keys}",
                            "-o", f"http.tls.port:{port}", "-q", "-z", f"follow,tls,raw,{s}"],
                           capture_output=True, text=True, timeout=60)
        cli, srv = b"", b""
        for line in p.stdout.splitlines():
            if not re.fullmatch(r"\t?[0-9a-f]+", line):
                continue
            if line.startswith("\t"):
                srv += bytes.fromhex(line[1:])
            else:
                cli += bytes.fromhex(line)
        out[s] = (cli, srv)
    return out


def pdus_after_head(data):
    """The PDUs in an HTTP message's body (all heads skipped, bodies of 1xx/401 too)."""
    pdus = []
    while data.startswith(b"RPC_") or data.startswith(b"HTTP/"):
        end = data.find(b"\r\n\r\n")
        if end < 0:
            return pdus
        head = data[:end].decode("latin-1")
        data = data[end + 4:]
        m = re.search(r"(?im)^content-length:\s*(\d+)", head)
        cl = int(m.group(1)) if m else 0
        if (head.startswith("RPC_") and cl > 0) or head.startswith("HTTP/1.1 200"):
            break                      # a channel's body: PDUs follow
        data = data[cl:]
    while len(data) >= 16 and data[0] == 5:
        fl = data[8] | data[9] << 8
        if fl < 16 or fl > len(data):
            break
        pdus.append(data[:fl])
        data = data[fl:]
    return pdus


def tshark_check(migcheck):
    tshark = shutil.which("tshark")
    text2pcap = shutil.which("text2pcap")
    lab = Lab(migcheck, "oa-healthy")
    tmp = tempfile.mkdtemp(prefix="oa-tshark-")
    cap, keys = os.path.join(tmp, "cap.pcapng"), os.path.join(tmp, "keys.log")
    port = lab.site["port"]
    try:
        dump = subprocess.Popen([tshark, "-i", "lo", "-f", f"tcp port {port}", "-w", cap, "-q"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        line = ""
        while "Capturing on" not in line:
            line = dump.stderr.readline()
            if not line:
                raise RuntimeError("tshark did not start capturing")
        env = dict(os.environ, SSLKEYLOGFILE=keys, MIGCHECK_PASSWORD=lab.site["password"])
        p = subprocess.run([migcheck] + lab.site["command"].split(" ") + ["--json"],
                           capture_output=True, text=True, env=env, timeout=60)
        check("migcheck passes oa-healthy while captured", p.returncode == 0, p.stdout[-300:])
        # Let dumpcap write the last packets, then stop it.
        subprocess.run([shutil.which("sh"), "-c", "sleep 0.5"])
        dump.terminate()
        dump.wait(timeout=20)
    finally:
        lab.stop()
    base = [tshark, "-r", cap, "-o", f"tls.keylog_file:{keys}", "-o", f"http.tls.port:{port}"]
    p = subprocess.run(base + ["-T", "fields", "-e", "frame.number", "-e", "dcerpc.pkt_type",
                               "-Y", "dcerpc"], capture_output=True, text=True, timeout=60)
    rts = [l for l in p.stdout.splitlines() if l.strip()]
    check("tshark decrypts the capture and dissects RTS PDUs (CONN/A1, CONN/A3 on 3 ports)",
          len(rts) >= 6, p.stdout + p.stderr[-300:])
    p = subprocess.run(base + ["-Y", "_ws.malformed || _ws.expert.severity == error"],
                       capture_output=True, text=True, timeout=60)
    bad = [l for l in p.stdout.splitlines() if l.strip()]
    check("no malformed or error marks in the decrypted capture", not bad, "\n".join(bad[:5]))

    # Every PDU of the decrypted streams, re-framed on TCP 135 for Wireshark's DCE/RPC.
    hexdump = []
    names = {}
    for cli, srv in follow_streams(tshark, cap, keys, port).values():
        for data in (cli, srv):
            for pdu in pdus_after_head(data):
                hexdump.append("0000 " + " ".join(f"{b:02x}" for b in pdu))
    txt, pcap = os.path.join(tmp, "pdus.txt"), os.path.join(tmp, "pdus.pcap")
    with open(txt, "w") as f:
        f.write("\n".join(hexdump) + "\n")
    subprocess.run([text2pcap, "-q", "-T", "50000,135", txt, pcap], check=True,
                   capture_output=True, timeout=60)
    p = subprocess.run([tshark, "-r", pcap, "-T", "fields", "-e", "dcerpc.pkt_type",
                        "-e", "_ws.malformed", "-e", "_ws.expert.severity"],
                       capture_output=True, text=True, timeout=60)
    rows = [l.split("\t") for l in p.stdout.splitlines() if l.strip()]
    for r in rows:
        names[r[0]] = names.get(r[0], 0) + 1
    check("re-framed: %d PDUs from the decrypted streams" % len(hexdump), len(hexdump) >= 18,
          str(len(hexdump)))
    check("re-framed: RTS (A1, B1, A3, C2), bind and bind_ack all dissected on 3 ports",
          names.get("20", 0) >= 12 and names.get("11", 0) >= 3 and names.get("12", 0) >= 3,
          str(names))
    check("re-framed: no malformed marks on any RTS or DCE/RPC PDU",
          all(len(r) < 2 or not r[1] for r in rows), str([r for r in rows if len(r) > 1][:5]))
    shutil.rmtree(tmp, ignore_errors=True)


def main():
    migcheck = sys.argv[1]
    ran = False
    if has_module("impacket"):
        impacket(migcheck)
        ran = True
    else:
        print("skip impacket: python3-impacket is not installed (tools/deps.sh test)")
    if has_module("samba"):
        samba(migcheck)
        ran = True
    else:
        print("skip samba: python3-samba is not installed (tools/deps.sh test)")
    if shutil.which("tshark") and shutil.which("text2pcap") and os.geteuid() == 0:
        tshark_check(migcheck)
        ran = True
    else:
        print("skip tshark: needs tshark, text2pcap and root to capture on lo")
    if not ran:
        return 77
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
