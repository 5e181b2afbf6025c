#!/usr/bin/env python3
"""Command-line behaviour: bad arguments give one line and exit 2, help
teaches, the catalogue prints, colors follow the terminal rules, and no
command takes a password on its command line."""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

MIGCHECK = sys.argv[1]
passed = failed = 0


def run(*args, env=None, stdin=None):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    if env:
        e.update(env)
    return subprocess.run([MIGCHECK, *args], capture_output=True, text=True, env=e,
                          timeout=60, input=stdin)


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def usage_error(name, *args):
    p = run(*args)
    lines = p.stderr.strip().splitlines()
    check(name, p.returncode == 2 and len(lines) == 1 and lines[0].startswith("migcheck: ")
          and p.stdout == "", f"exit {p.returncode}, stderr {p.stderr!r}")


usage_error("unknown command", "frobnicate")
usage_error("unknown option", "ports", "mail.contoso.com", "--frob")
usage_error("option of another command", "causes", "--legacy-rpc")
usage_error("port 0", "ports", "mail.contoso.com", "0")
usage_error("port 70000", "ports", "mail.contoso.com", "70000")
usage_error("port in host 70000", "ports", "mail.contoso.com:70000")
usage_error("empty host", "ports", "")
usage_error("host with spaces", "ports", "mail contoso")
usage_error("no host", "ports")
usage_error("bad resolve", "ports", "a.test", "--resolve", "a.test:443:nope")
usage_error("bad timeout", "ports", "a.test", "--timeout", "0")
usage_error("bad timeout text", "ports", "a.test", "--timeout", "ten")
usage_error("bad dns server", "ports", "a.test", "--dns-server", "dns.example")
usage_error("missing value", "ports", "a.test", "--resolve")
usage_error("flag with value", "ports", "a.test", "--json=yes")
usage_error("unknown cause", "causes", "NO_SUCH_CAUSE")
usage_error("password option does not exist", "ports", "a.test", "--password", "x")
usage_error("unknown scenario", "lab", "--scenario", "no-such-scenario")
usage_error("outlook-anywhere: names and --autodiscover", "outlook-anywhere", "--autodiscover",
            "--email", "a@contoso.com", "--rpc-proxy", "mail.contoso.com")
usage_error("outlook-anywhere: --email without --autodiscover", "outlook-anywhere",
            "--email", "a@contoso.com", "--rpc-proxy", "m.contoso.com", "--exchange-server", "ex01")
usage_error("outlook-anywhere: --autodiscover without --email", "outlook-anywhere",
            "--autodiscover")
usage_error("unreadable --ca-file", "tls", "a.test", "--ca-file", "/nonexistent/ca.pem")
usage_error("tls port 0", "tls", "a.test:0")
usage_error("tls two targets", "tls", "a.test", "b.test")
usage_error("demo takes no arguments", "demo", "extra")
usage_error("imap without a host", "imap")
usage_error("imap two hosts", "imap", "a.test", "b.test")
usage_error("imap bad security", "imap", "a.test", "--security", "starttlz")
usage_error("imap port 0", "imap", "a.test:0")
usage_error("imap password file without user", "imap", "a.test", "--password-file", "/x")
usage_error("security of another command", "tls", "a.test", "--security", "ssl")
usage_error("remote-move without a server", "remote-move")
usage_error("remote-move bad repeat", "remote-move", "--server", "a.test", "--repeat", "51")
usage_error("remote-move repeat text", "remote-move", "--server", "a.test", "--repeat", "many")
usage_error("remote-move password file without user", "remote-move", "--server", "a.test",
            "--password-file", "/nonexistent")
usage_error("remote-move unreadable password file", "remote-move", "--server", "a.test",
            "--user", "CONTOSO\\migadmin", "--password-file", "/nonexistent/pw")
usage_error("remote-move takes no password option", "remote-move", "--server", "a.test",
            "--password", "x")
usage_error("remote-move bad server", "remote-move", "--server", "a.test:0")
usage_error("autodiscover without an address", "autodiscover")
usage_error("autodiscover bad address", "autodiscover", "--email", "alice")
usage_error("autodiscover address in a TLD", "autodiscover", "--email", "alice@com")
usage_error("autodiscover two at signs", "autodiscover", "--email", "a@b@contoso.com")
usage_error("autodiscover positional argument", "autodiscover", "contoso.com")
usage_error("autodiscover bad allow-redirect", "autodiscover", "--email", "a@contoso.com",
            "--allow-redirect", "not a domain")
usage_error("autodiscover bad port-map", "autodiscover", "--email", "a@contoso.com",
            "--port-map", "443:8443")
usage_error("autodiscover port-map 0", "autodiscover", "--email", "a@contoso.com",
            "--port-map", "443=0")
usage_error("autodiscover password file without user", "autodiscover", "--email",
            "a@contoso.com", "--password-file", "/dev/null")
usage_error("autodiscover takes no server", "autodiscover", "--email", "a@contoso.com",
            "--server", "mail.contoso.com")
usage_error("remote-move server and autodiscover", "remote-move", "--server", "a.test",
            "--autodiscover", "--email", "a@contoso.com")
usage_error("remote-move email without autodiscover", "remote-move", "--server", "a.test",
            "--email", "a@contoso.com")
usage_error("remote-move autodiscover without email", "remote-move", "--autodiscover")
usage_error("batch: no file", "batch")
usage_error("batch: a file that is not there", "batch", "/nonexistent/fleet.csv")
usage_error("batch: --parallel 0", "batch", "fleet.csv", "--parallel", "0")
usage_error("batch: --json and --jsonl", "batch", "fleet.csv", "--json", "--jsonl")
usage_error("remote-move: --endpoint without --endpoint-file", "remote-move", "--endpoint", "1")
usage_error("remote-move: an endpoint file that is not there", "remote-move",
            "--endpoint-file", "/nonexistent/endpoints.txt")
usage_error("lab: --all and --scenario", "lab", "--all", "--scenario", "self-signed")

p = run("--help")
check("--help exits 0 and lists commands", p.returncode == 0 and "ports" in p.stdout
      and "Exit codes" in p.stdout)
p = run()
check("no arguments: help on stderr, exit 2", p.returncode == 2 and "usage:" in p.stderr)
p = run("ports", "--help")
check("command help teaches", p.returncode == 0 and "TCP_REFUSED" in p.stdout
      and "examples:" in p.stdout and "--legacy-rpc" in p.stdout)
p = run("help", "ports")
check("help COMMAND", p.returncode == 0 and "usage: migcheck ports" in p.stdout)
p = run("--version")
check("--version", p.returncode == 0 and p.stdout.startswith("migcheck "))

p = run("causes")
check("causes lists ids", p.returncode == 0 and "TCP_REFUSED" in p.stdout
      and "CFG_VALIDPORTS_MISSING" in p.stdout)
p = run("causes", "TCP_REFUSED")
check("causes ID in full", p.returncode == 0 and "Why:" in p.stdout and "Fix:" in p.stdout
      and "Source:" in p.stdout)
p = run("causes", "--json")
doc = json.loads(p.stdout)
check("causes --json", p.returncode == 0 and len(doc["causes"]) >= 59
      and all(c["fix"] for c in doc["causes"]))
check("no color when not a terminal", "\033[" not in run("causes").stdout)

p = run("lab", "--list", "--json")
sc = json.loads(p.stdout)
check("lab --list --json", p.returncode == 0 and any(s["scenario"] == "port-refused" for s in sc))

# An unreachable --html path is "could not run" (3), after the check ran.
with tempfile.TemporaryDirectory() as d:
    p = run("ports", "127.0.0.1", "1", "--timeout", "1", "--html",
            os.path.join(d, "no", "such", "dir", "r.html"))
    # Checked before any probe: a usage error, and no step was run.
    check("unwritable --html is a usage error before any probe", p.returncode == 2 and
          "cannot write" in p.stderr and "does not exist" in p.stderr and not p.stdout,
          f"exit {p.returncode} {p.stderr!r}")
    html = os.path.join(d, "r.html")
    p = run("ports", "127.0.0.1", "1", "--timeout", "1", "--html", html)
    content = open(html, encoding="utf-8").read() if os.path.exists(html) else ""
    check("--html writes a self-contained page", p.returncode == 1 and "<!DOCTYPE html>"
          in content and "TCP_REFUSED" in content and "<script" not in content
          and "http" not in content.split("<body>")[0].lower().replace("http-equiv", ""))

# --help fits 80 columns: the main help and every command's.
cmds = [l.split()[0] for l in run("--help").stdout.split("commands:\n", 1)[1]
        .split("\n\n", 1)[0].splitlines() if l.startswith("  ") and not l.startswith("   ")]
wide = []
for c in [None] + cmds:
    out = run(*([c] if c else []), "--help").stdout
    wide += [f"{c}: {l}" for l in out.splitlines() if len(l) > 80]
check("--help fits 80 columns", len(cmds) >= 12 and not wide, wide[:3])

# Rough edges a first run hits.
p = run("porrts")
check("did you mean: command", p.returncode == 2 and "did you mean 'ports'" in p.stderr)
p = run("ports", "a.test", "--timout", "3")
check("did you mean: option", p.returncode == 2 and "did you mean '--timeout'" in p.stderr)
p = run("causes", "oa_port_not_alowed")
check("did you mean: cause", p.returncode == 2 and "OA_PORT_NOT_ALLOWED" in p.stderr)
p = run("causes", "oa_port_not_allowed")
check("causes ids in any case", p.returncode == 0 and p.stdout.startswith("OA_PORT_NOT_ALLOWED"))
p = run("causes")
areas = [l[:-1] for l in p.stdout.splitlines() if l and not l.startswith(" ") and
         l.endswith(":")]
check("causes: each area listed once", len(areas) >= 8 and len(areas) == len(set(areas)), areas)
p = run("tls", "a.test", "--cacert", "/nonexistent/ca.pem")
check("--cacert is curl's --ca-file", p.returncode == 2 and "--ca-file" in p.stderr)
with tempfile.TemporaryDirectory() as d:
    p = run("tls", "a.test", "--ca-file", d)
    check("--ca-file folder: usage error", p.returncode == 2 and ("not a file" in p.stderr or
          "folder" in p.stderr), p.stderr)
    der = os.path.join(d, "ca.der")
    with open(der, "wb") as f:
        f.write(b"\x30\x82\x01\x0a" + b"\x00" * 64)
    p = run("tls", "a.test", "--ca-file", der)
    check("--ca-file DER: usage error naming the conversion", p.returncode == 2 and
          "DER" in p.stderr and "openssl x509 -inform der" in p.stderr)
p = run("-V")
check("-V", p.returncode == 0 and p.stdout.startswith("migcheck "))
p = run("remote-move", "--server", "a.test", "--server", "b.test")
check("--server twice is an error", p.returncode == 2 and "twice" in p.stderr)
p = run("remote-move", "--server", "a.test", "--user", "FABRIKAM\\svc:Sup3rSecret!")
check("-u user:secret refused, the secret never echoed", p.returncode == 2 and
      "Sup3rSecret" not in p.stderr + p.stdout and "password" in p.stderr)
p = run("remote-move", "--server", "a.invalid", "--user", "FABRIKAMsvcmig", "--timeout", "1",
        env={"MIGCHECK_PASSWORD": "x"})
check("user without \\ or @ warns (a shell ate the backslash?)",
      "warning" in p.stderr and "backslash" in p.stderr)
p = run("imap", "a.invalid", "--security", "starttls", "--timeout", "1")
check("imap --security starttls is tls", p.returncode != 2, p.stderr)
p = run("explain", stdin="")
check("explain with nothing piped: no text", p.returncode == 2 and "empty" in p.stderr)
# explain on a terminal reads the paste until Ctrl-D, and says so on stderr.
import pty  # noqa: E402
master, slave = pty.openpty()
proc = subprocess.Popen([MIGCHECK, "explain"], stdin=slave, stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, text=True)
os.close(slave)
os.write(master, b"Error 0x6ba (The RPC server is unavailable) from cli_NspiBind\n\x04")
out, err = proc.communicate(timeout=30)
os.close(master)
check("explain on a terminal: reads the paste until Ctrl-D", proc.returncode == 1 and
      "Ctrl-D" in err and "OA_PORT_NOT_ALLOWED" in out, err)
p = run("explain", "The operation has timed out")
check("explain of a vague text: the broad causes and the paste-the-whole-error note",
      "HTTP_TIMEOUT" in p.stdout and "TCP_TIMEOUT" in p.stdout and
      "whole error" in p.stdout, p.stdout[-800:])

# The lab prints commands that paste cleanly: quoted user, this binary's path.
lab = subprocess.Popen([MIGCHECK, "lab", "--scenario", "bad-credentials"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
pasted = ""
for _ in range(20):
    line = lab.stdout.readline()
    if not line:
        break
    if "remote-move" in line:
        pasted = line.strip()
        break
p = subprocess.run(["sh", "-c", pasted], capture_output=True, text=True, timeout=60) \
    if pasted else None
lab.terminate()
lab.wait(timeout=20)
check("lab: the printed command pastes into a shell as it is",
      p is not None and "'CONTOSO\\migadmin'" in pasted and p.returncode == 1 and
      "AUTH_BAD_CREDENTIALS" in p.stdout, pasted)

# config and logs: the confirm line reruns the files that were read.
data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
cfg = os.path.join(data, "config", "ews-two-servers-mrsproxy-off.txt")
p = run("config", cfg)
check("config: the fix names the server that needs it, confirm reruns its file",
      'Set-WebServicesVirtualDirectory -Identity "EX02\\EWS (Default Web Site)"' in p.stdout
      and f"migcheck config {cfg}" in p.stdout, p.stdout[-1200:])

# A report file on a full disk: fwrite fills the buffer, fclose fails. The
# file is closed once (twice was glibc's "double free" abort), exit 3.
p = run("explain", "hello", "--json-file", "/dev/full")
check("--json-file on a full disk: could not run, said once", p.returncode == 3 and
      p.stderr.count("cannot write '/dev/full'") == 1, f"exit {p.returncode} {p.stderr!r}")

# libcurl is loaded when a command needs it (lib/http/curl_dl.h): without
# it the offline commands and ports run; a command that needs it says so
# before it sends anything, exit 3; a file that is not libcurl is refused
# by name.
nocurl = {"MIGCHECK_LIBCURL": "/nonexistent/libcurl.so.4"}
p = run("config", cfg, env=nocurl)
check("without libcurl: config runs", p.returncode == 1 and "Set-WebServicesVirtualDirectory"
      in p.stdout, p.stderr)
p = run("explain", "The remote server returned an error: (503) Server Unavailable.",
        env=nocurl)
check("without libcurl: explain runs", p.returncode == 1 and "HTTP_SERVICE_UNAVAILABLE"
      in p.stdout, f"exit {p.returncode} {p.stdout[-400:]!r}")
p = run("ports", "127.0.0.1", "1", "--json", env=nocurl)
check("without libcurl: ports runs", p.returncode == 1 and "TCP_REFUSED" in p.stdout, p.stderr)
for args in (["remote-move", "--server", "127.0.0.1:1"],
             ["autodiscover", "--email", "a@contoso.test", "--resolve",
              "autodiscover.contoso.test:443:127.0.0.1"],
             ["imap", "127.0.0.1:1"]):
    p = run(*args, env=nocurl)
    check(f"without libcurl: {args[0]} says so, exit 3", p.returncode == 3 and p.stdout == ""
          and "needs libcurl" in p.stderr and "/nonexistent/libcurl.so.4" in p.stderr,
          f"exit {p.returncode} {p.stderr!r}")
p = run("remote-move", "--server", "127.0.0.1:1", env={"MIGCHECK_LIBCURL": "libz.so.1"})
check("a library that is not libcurl is refused by name", p.returncode == 3 and
      "libz.so.1 has no curl_global_init" in p.stderr, p.stderr)
# The loader's own account (LD_DEBUG=files) of what a run loaded.
p = run("logs", os.path.join(data, "logs", "healthy"), env={"LD_DEBUG": "files"})
q = run("remote-move", "--server", "127.0.0.1:1", env={"LD_DEBUG": "files"})
check("logs runs without loading libcurl, remote-move loads it",
      "file=libc.so.6" in p.stderr and "libcurl" not in p.stderr and
      "file=libcurl.so.4" in q.stderr, p.stderr[-300:])

# Exit codes: one table prints them in --help and the man page; README agrees.
readme = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                           "README.md"), encoding="utf-8").read()
table = readme.split("| exit | meaning |", 1)[-1].split("\n\n", 1)[0]
readme_codes = re.findall(r"^\| (\d+) \|", table, re.M)
man = run("--man").stdout.split(".SH EXIT STATUS", 1)[-1].split(".SH ", 1)[0]
man_codes = re.findall(r"^\.B (\d+)$", man, re.M)
help_codes = re.findall(r"(\d+) [a-z]", run("--help").stdout.split("Exit codes: ", 1)[-1])
check("exit codes: README, --help and the man page list the same", len(man_codes) >= 4 and
      readme_codes == man_codes == help_codes, (readme_codes, man_codes, help_codes))

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
