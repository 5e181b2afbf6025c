#!/usr/bin/env python3
"""Command-line behaviour: bad arguments give one line and exit 2, help
teaches, the catalogue prints, colors follow the terminal rules, and no
command takes a password on its command line."""
import json
import os
import subprocess
import sys
import tempfile

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

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
