#!/usr/bin/env python3
"""migcheck config and migcheck explain from the outside: exit codes, JSON,
standard input, the 1 MiB read limit, bad files, --collect and help.

usage: config_explain.py MIGCHECK DATA_DIR"""
import json
import os
import subprocess
import sys
import time

MIGCHECK, DATA = sys.argv[1], sys.argv[2]
CFG = os.path.join(DATA, "config")
passed = failed = 0


def run(*args, stdin=None, timeout=60):
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([MIGCHECK, *args], capture_output=True, env=env, timeout=timeout,
                          input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL)


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def causes(p):
    try:
        return [c["id"] for c in json.loads(p.stdout)["causes"]]
    except (ValueError, KeyError) as e:
        return [f"bad json: {e}"]


SEED000 = ("Microsoft.Exchange.Data.Storage.Management.MigrationTransientException: We weren't "
           "able to connect to the remote server. ---> Microsoft.Exchange.Rpc."
           "ServerUnavailableException: Error 0x6ba (The RPC server is unavailable) from "
           "cli_NspiBind")
OA = ["OA_BASIC_NOT_OFFERED", "OA_PORT_NOT_ALLOWED", "OA_BACKEND_UNAVAILABLE"]

# ---- explain ----
p = run("explain", SEED000, "--json")
check("explain argument: OA causes, exit 1", p.returncode == 1 and causes(p) == OA,
      f"{p.returncode} {causes(p)}")
p = run("explain", "--json", stdin=SEED000.encode())
check("explain piped stdin", p.returncode == 1 and causes(p) == OA)
p = run("explain", "-", "--json", stdin=SEED000.replace("NspiBind", "Nspi\r\nBind").encode())
check("explain '-' with a word cut by a line break", p.returncode == 1 and causes(p) == OA)
p = run("explain", "The", "HTTP", "request", "was", "forbidden", "with", "client",
        "authentication", "scheme", "'Negotiate'.", "(403)", "Forbidden", "--json")
check("explain unquoted words", p.returncode == 1 and causes(p)[0] == "MRSPROXY_DISABLED",
      causes(p))
p = run("explain", SEED000)
out = p.stdout.decode()
check("explain text shows evidence, fix and the confirming command",
      '"cli_NspiBind"' in out and "Fix:" in out and "migcheck outlook-anywhere" in out)
p = run("explain", "the printer is out of toner", "--json")
doc = json.loads(p.stdout)
check("explain unrecognised: exit 3, verdict unknown, no cause",
      p.returncode == 3 and doc["verdict"] == "unknown" and doc["causes"] == [], p.returncode)
p = run("explain", "the printer is out of toner")
check("explain unrecognised says so and points to the checks",
      b"no known error signature" in p.stdout and b"migcheck remote-move" in p.stdout)
for name, args, stdin in (("empty argument", ["explain", ""], None),
                          ("blank stdin", ["explain", "-"], b"  \n\t\n"),
                          ("no text, stdin not a terminal and empty", ["explain"], None)):
    p = run(*args, stdin=stdin)
    lines = p.stderr.decode().strip().splitlines()
    check(f"explain {name}: exit 2, one line", p.returncode == 2 and len(lines) == 1, p.stderr)
big = os.urandom(100 << 20)
t0 = time.monotonic()
p = run("explain", "-", stdin=big, timeout=60)
secs = time.monotonic() - t0
check("explain 100 MB of binary: cut at 1 MiB, said so, quick",
      p.returncode == 3 and b"only the first 1048576" in p.stdout and secs < 20,
      f"exit {p.returncode} in {secs:.1f}s")

# ---- config ----
p = run("config", "--collect")
out = p.stdout.decode()
check("config --collect prints the script", p.returncode == 0 and
      "Get-WebServicesVirtualDirectory" in out and "Format-List" in out and
      "Out-File -Encoding utf8" in out and "HKLM\\SOFTWARE\\Microsoft\\Rpc\\RpcProxy" in out
      and "reg export" in out and "$FormatEnumerationLimit = -1" in out and
      "Get-ExchangeCertificate" in out and "netsh http show sslcert" in out and
      "applicationHost.config" in out and "SCHANNEL" in out)
# Read-only: no Set-, Enable-, New-<anything but the output folder>, Remove- or reg add.
bad = [w for w in ("Set-", "Enable-", "Remove-", "reg add", "reg delete", "Restart-", "iisreset")
       if w in "\n".join(l for l in out.splitlines() if not l.lstrip().startswith("#"))]
check("config --collect runs read-only commands only", not bad, bad)
check("config --collect blanks passwords and connection strings in copied files",
      "password|connectionString" in out)
p = run("config", os.path.join(CFG, "ews-two-servers-mrsproxy-off.txt"), "--json")
check("config two servers, EX02 MRSProxy off", p.returncode == 1 and
      causes(p) == ["CFG_MRSPROXY_DISABLED", "CFG_SERVERS_DIFFER"] and
      b'EX02\\\\EWS (Default Web Site)\\" -MRSProxyEnabled $true' in p.stdout, causes(p))
p = run("config", os.path.join(CFG, "ews-healthy.txt"), os.path.join(CFG, "oa-healthy.txt"),
        os.path.join(CFG, "tmsa-success.txt"))
check("config healthy fl inputs: exit 0", p.returncode == 0 and b"verdict: PASS" in p.stdout,
      p.stdout[-300:])
p = run("config", os.path.join(CFG, "rpcproxy-healthy.reg"))
check("config healthy ValidPorts (seed 002's value): exit 0", p.returncode == 0 and b"verdict: PASS" in p.stdout,
      p.stdout[-300:])
p = run("config", "-", "--json", stdin=open(os.path.join(CFG, "rpcproxy-missing.reg"), "rb").read())
check("config from stdin (UTF-16 .reg)", p.returncode == 1 and causes(p) == ["CFG_VALIDPORTS_MISSING"])
p = run("config", os.path.join(CFG, "binary.bin"))
check("config binary file: exit 3 with the reason",
      p.returncode == 3 and b"binary" in p.stdout, p.returncode)
p = run("config", os.path.join(CFG, "no-such-file.txt"))
lines = p.stderr.decode().strip().splitlines()
check("config missing file: exit 3, one line naming it", p.returncode == 3 and len(lines) == 1
      and "no-such-file.txt" in lines[0], p.stderr)
p = run("config", os.path.join(CFG, "migcheck-EX01"), "--json")
check("config FOLDER reads every file --collect wrote", p.returncode == 1 and
      set(causes(p)) == {"CFG_MRSPROXY_DISABLED", "CFG_EP_SUPPRESSED", "CFG_EP_NTLMV1",
                         "CFG_TLS12_DISABLED", "CFG_SERVERS_DIFFER"}, causes(p))
p = run("config", os.path.join(CFG, "migcheck-EX01"), os.path.join(CFG, "migcheck-EX02"))
check("config two FOLDERs: the folder names the computer, the two are compared",
      b"EX02 differs from EX01 in its TLS registry settings" in p.stdout and
      b"TLS and authentication registry of EX01 (schannel-EX01.reg)" in p.stdout, p.stdout[-400:])
empty = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"migcheck-empty-{os.getpid()}")
os.makedirs(empty, exist_ok=True)
p = run("config", empty)
os.rmdir(empty)
check("config empty folder: exit 3, one line", p.returncode == 3 and b"no files" in p.stderr
      and len(p.stderr.decode().strip().splitlines()) == 1, p.stderr)
for name, args in (("no files", ["config"]), ("--collect with files", ["config", "--collect", "x"]),
                   ("unknown option", ["config", "--frob", "x"])):
    p = run(*args)
    lines = p.stderr.decode().strip().splitlines()
    check(f"config {name}: exit 2, one line", p.returncode == 2 and len(lines) == 1, p.stderr)

# ---- help ----
p = run("--help")
check("--help lists config and explain", b"config " in p.stdout and b"explain " in p.stdout)
p = run("config", "--help")
check("config --help teaches", p.returncode == 0 and b"CFG_VALIDPORTS_MISSING" in p.stdout
      and b"--collect" in p.stdout and b"examples:" in p.stdout)
p = run("explain", "--help")
check("explain --help teaches and states exit codes", p.returncode == 0 and
      b"cli_NspiBind" in p.stdout and b"3 nothing recognised" in p.stdout)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
