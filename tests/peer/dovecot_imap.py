#!/usr/bin/env python3
"""migcheck imap against a real IMAP server nobody here wrote: Dovecot
(Debian's dovecot-imapd), started in the foreground with a configuration
written to a temporary directory: 127.0.0.2 only, an implicit-TLS port and a
clear-text port (LOGINDISABLED until STARTTLS: disable_plaintext_auth), one
account in a passwd-file, certificates from a CA made here with openssl. No
system service is touched.

  --security ssl, the right password     -> pass, mailboxes listed
  --security tls, the right password     -> pass (STARTTLS, then SASL)
  no --user                              -> pass, no login tried
  --security none                        -> IMAP_LOGIN_DISABLED
  --security ssl, a wrong password       -> IMAP_AUTH_FAILED
  --security ssl on the clear-text port  -> TLS_NOT_TLS

Exit 77 (skipped) when dovecot or openssl is not installed, or not root.
Closing line: "N passed, N failed".
"""
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from labutil import Checks, make_pki  # noqa: E402

MIGCHECK = sys.argv[1]
DOVECOT = "/usr/sbin/dovecot"
HOST = "mail.contoso.test"
# Dovecot counts a client whose address is its own as secured (no
# LOGINDISABLED before STARTTLS): it listens on 127.0.0.2, migcheck comes
# from 127.0.0.1.
ADDR = "127.0.0.2"
USER = "migadmin@contoso.test"
PASSWORD = "Peer-Secret-4t8w"
check = Checks()


def free_port():
    s = socket.socket()
    s.bind((ADDR, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def write_conf(d, p_ssl, p_plain):
    with open(os.path.join(d, "passwd"), "w") as f:
        f.write(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    dh = "/usr/share/dovecot/dh.pem"
    conf = f"""
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = imap
listen = {ADDR}
ssl = yes
ssl_cert = <{d}/leaf.pem
ssl_key = <{d}/leaf.key
ssl_min_protocol = TLSv1.2
{"ssl_dh = <" + dh if os.path.exists(dh) else ""}
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:{d}/mail/%n
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={d}/mail/%n
}}
service imap-login {{
  inet_listener imap {{
    address = {ADDR}
    port = {p_plain}
  }}
  inet_listener imaps {{
    address = {ADDR}
    port = {p_ssl}
    ssl = yes
  }}
}}
"""
    path = os.path.join(d, "dovecot.conf")
    with open(path, "w") as f:
        f.write(conf)
    return path


def wait_port(port, proc, deadline):
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            socket.create_connection((ADDR, port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def run(env_password, *args):
    env = dict(os.environ)
    env.pop("MIGCHECK_PASSWORD", None)
    if env_password:
        env["MIGCHECK_PASSWORD"] = env_password
    p = subprocess.run([MIGCHECK, "imap", *args, "--json", "--timeout", "5"],
                       capture_output=True, text=True, timeout=60, env=env)
    try:
        report = json.loads(p.stdout)
    except json.JSONDecodeError:
        return p.returncode, [], None, p.stderr
    return (p.returncode, sorted(c["id"] for c in report["causes"]), report["verdict"],
            p.stdout)


def main():
    if not os.path.exists(DOVECOT) or not shutil.which("openssl"):
        print("skip: needs dovecot-imapd and openssl (tools/deps.sh test)")
        return 77
    if os.geteuid() != 0:
        print("skip: Dovecot switches to its own users, which needs root")
        return 77
    d = tempfile.mkdtemp(prefix="migcheck-dovecot-")
    os.chmod(d, 0o755)   # Dovecot's login processes run as dovenull
    proc = None
    try:
        make_pki(d, HOST)
        # The mail store belongs to the account's system user (nobody).
        nobody = pwd.getpwnam("nobody")
        os.mkdir(os.path.join(d, "mail"))
        os.chown(os.path.join(d, "mail"), nobody.pw_uid, nobody.pw_gid)
        p_ssl, p_plain = free_port(), free_port()
        conf = write_conf(d, p_ssl, p_plain)
        proc = subprocess.Popen([DOVECOT, "-F", "-c", conf], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 20
        if not (wait_port(p_ssl, proc, deadline) and wait_port(p_plain, proc, deadline)):
            out = proc.stdout.read() if proc.poll() is not None else ""
            log = open(os.path.join(d, "dovecot.log")).read() if os.path.exists(
                os.path.join(d, "dovecot.log")) else ""
            check("dovecot starts", False, out + log)
            return 1
        ca = os.path.join(d, "ca.pem")

        def common(port):
            return [f"{HOST}:{port}", "--resolve", f"{HOST}:{port}:{ADDR}", "--ca-file", ca]

        rc, ids, verdict, out = run(PASSWORD, *common(p_ssl), "--user", USER)
        check("ssl, right password: pass", rc == 0 and ids == [] and verdict == "pass",
              f"rc {rc} {ids} {verdict}")
        check("ssl: mailboxes listed", '"mailboxes"' in out)
        check("password never in the report", PASSWORD not in out)
        rc, ids, verdict, _ = run(PASSWORD, *common(p_plain), "--security", "tls",
                                  "--user", USER)
        check("tls (STARTTLS), right password: pass", rc == 0 and ids == [],
              f"rc {rc} {ids} {verdict}")
        rc, ids, verdict, _ = run(None, *common(p_ssl))
        check("no --user: pass", rc == 0 and ids == [], f"rc {rc} {ids} {verdict}")
        rc, ids, verdict, _ = run(PASSWORD, *common(p_plain), "--security", "none",
                                  "--user", USER)
        check("none: IMAP_LOGIN_DISABLED", rc == 1 and ids == ["IMAP_LOGIN_DISABLED"],
              f"rc {rc} {ids} {verdict}")
        rc, ids, verdict, _ = run("Wrong-Password-9", *common(p_ssl), "--user", USER)
        check("ssl, wrong password: IMAP_AUTH_FAILED", rc == 1 and ids == ["IMAP_AUTH_FAILED"],
              f"rc {rc} {ids} {verdict}")
        rc, ids, verdict, _ = run(None, *common(p_plain), "--security", "ssl")
        check("ssl on the clear-text port: TLS_NOT_TLS", rc == 1 and ids == ["TLS_NOT_TLS"],
              f"rc {rc} {ids} {verdict}")
    finally:
        if proc and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(d, ignore_errors=True)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
