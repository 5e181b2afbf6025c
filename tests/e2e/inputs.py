#!/usr/bin/env python3
"""Files that are not files, password files as Windows writes them, and the
password in memory.

  inputs.py MIGCHECK

1. A FIFO given as a log, a config export, --password-file, --ca-file,
   --cloud-ranges, a logs summary, a batch file or --endpoint-file is refused at once with a message that says "FIFO"
   (before, open() waited forever for a writer); symlink loops, unreadable
   files and folders keep clear messages.
2. --password-file: UTF-16LE and UTF-16BE with a byte order mark (Windows
   PowerShell 5.1 Out-File), a UTF-8 byte order mark, CRLF, and "-" for
   standard input all sign in to the lab (exchange2016-healthy); UTF-16
   without a byte order mark is refused; a file readable by group or others
   gets a warning, a private one none; "-" on a terminal asks without echo.
3. A run that holds a password is not dumpable (its /proc files turn
   root-owned), has a core size limit of 0, no longer shows the password in
   its environment, and leaves it in no file it wrote.

The subprocess timeouts are hang detectors, far above any real run.
Closing line: "N passed, N failed".
"""
import fcntl
import glob
import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import termios

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peer"))
from labutil import Checks, Lab  # noqa: E402

MIGCHECK = os.path.abspath(sys.argv[1])
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
NOBODY = 65534
check = Checks()


def run(args, env=None, stdin=subprocess.DEVNULL, user=None, cwd=None):
    e = {k: v for k, v in os.environ.items() if k != "MIGCHECK_PASSWORD"}
    e.update(env or {})
    pre = None
    if user is not None:
        def pre():
            os.setgid(user)
            os.setuid(user)
    return subprocess.run([MIGCHECK, *args], capture_output=True, env=e, timeout=60,
                          stdin=stdin, preexec_fn=pre, cwd=cwd)


def special_files(tmp):
    fifo = os.path.join(tmp, "fifo")
    os.mkfifo(fifo)
    ranges = os.path.join(DATA, "logs") if os.path.isdir(os.path.join(DATA, "logs")) else DATA
    target = ["--server", "mail.contoso.test:1", "--resolve", "mail.contoso.test:1:127.0.0.1"]
    cases = (
        ("a log", ["logs", fifo], 3),
        ("a config export", ["config", fifo], 3),
        ("--password-file", ["remote-move", *target, "--user", "CONTOSO\\u",
                             "--password-file", fifo], 2),
        ("--ca-file", ["tls", "mail.contoso.test:1", "--resolve",
                       "mail.contoso.test:1:127.0.0.1", "--ca-file", fifo], 2),
        ("--cloud-ranges", ["logs", "--cloud-ranges", fifo, ranges], 3),
        ("a logs summary (--merge)", ["logs", "--merge", fifo], 3),
        ("a batch file", ["batch", fifo], 2),
        ("--endpoint-file", ["remote-move", "--endpoint-file", fifo], 2),
    )
    for name, args, code in cases:
        p = run(args)
        err = p.stderr.decode() + p.stdout.decode()
        check(f"a FIFO as {name} is refused at once (exit {code})",
              p.returncode == code and "FIFO (named pipe)" in err,
              f"exit {p.returncode}: {err[-300:]}")
    check("the FIFO was never opened for writing by anyone", os.path.exists(fifo))

    loop = os.path.join(tmp, "loop")
    os.symlink(loop + "-b", loop)
    os.symlink(loop, loop + "-b")
    p = run(["tls", "mail.contoso.test:1", "--ca-file", loop])
    check("a symlink loop as --ca-file: the system's reason",
          p.returncode == 2 and b"Too many levels of symbolic links" in p.stderr, p.stderr)
    p = run(["config", loop])
    check("a symlink loop as a config export: the system's reason",
          p.returncode == 3 and b"Too many levels of symbolic links" in p.stderr, p.stderr)
    p = run(["logs", loop])
    check("a symlink loop as a log: the system's reason, exit 3",
          p.returncode == 3 and b"Too many levels of symbolic links" in p.stderr + p.stdout,
          p.stderr + p.stdout[-300:])
    p = run(["logs", "--cloud-ranges", tmp, ranges])
    check("a folder as --cloud-ranges is refused",
          p.returncode == 3 and b"it is a folder" in p.stderr, p.stderr)
    p = run(["remote-move", *target, "--user", "CONTOSO\\u", "--password-file", tmp])
    check("a folder as --password-file is refused",
          p.returncode == 2 and b"it is a folder" in p.stderr, p.stderr)
    p = run(["config", tmp])
    check("an empty folder as a config export: a clear message",
          p.returncode == 3 and b"the folder holds no files" in p.stderr, p.stderr)
    p = run(["config", "/dev/null"])
    check("a device as a config export is refused",
          p.returncode == 3 and b"character device" in p.stderr, p.stderr)

    # Unreadable: root reads everything, so the run drops to nobody.
    secret = os.path.join(tmp, "unreadable")
    with open(secret, "w") as f:
        f.write("x\n")
    os.chmod(secret, 0)
    os.chmod(tmp, 0o755)
    user = NOBODY if os.geteuid() == 0 else None
    p = run(["config", secret], user=user, cwd="/")
    check("an unreadable config export: permission denied",
          p.returncode == 3 and b"Permission denied" in p.stderr, p.stderr)
    p = run(["logs", secret], user=user, cwd="/")
    check("an unreadable log: permission denied, exit 3",
          p.returncode == 3 and b"Permission denied" in p.stderr + p.stdout,
          p.stderr + p.stdout[-300:])
    p = run(["tls", "mail.contoso.test:1", "--ca-file", secret], user=user, cwd="/")
    check("an unreadable --ca-file: permission denied",
          p.returncode == 2 and b"Permission denied" in p.stderr, p.stderr)


def password_files(tmp):
    lab = Lab(MIGCHECK, "exchange2016-healthy")
    try:
        pw = lab.site["password"]
        base = lab.site["command"].split() + ["--timeout", "5", "--json"]

        def sign_in(name, data, mode=0o600, stdin=None):
            path = "-"
            if stdin is None:
                path = os.path.join(tmp, name)
                with open(path, "wb") as f:
                    f.write(data)
                os.chmod(path, mode)
            p = run(base + ["--password-file", path],
                    stdin=subprocess.DEVNULL if stdin is None else None) if stdin is None \
                else subprocess.run([MIGCHECK, *base, "--password-file", "-"],
                                    input=stdin, capture_output=True, timeout=60,
                                    env={k: v for k, v in os.environ.items()
                                         if k != "MIGCHECK_PASSWORD"})
            verdict = json.loads(p.stdout)["verdict"] if p.stdout.startswith(b"{") else None
            return p, verdict

        for name, data in (
                ("UTF-16LE with BOM and CRLF (PowerShell 5.1 Out-File)",
                 b"\xff\xfe" + (pw + "\r\n").encode("utf-16-le")),
                ("UTF-16BE with BOM", b"\xfe\xff" + (pw + "\n").encode("utf-16-be")),
                ("UTF-8 with BOM and CRLF", b"\xef\xbb\xbf" + (pw + "\r\n").encode()),
                ("UTF-8, no newline", pw.encode()),
                ("UTF-8, second line ignored", (pw + "\nnot this\n").encode())):
            p, verdict = sign_in(name.split()[0].lower(), data)
            check(f"--password-file {name} signs in", p.returncode == 0 and verdict == "pass",
                  f"exit {p.returncode} {verdict} {p.stderr[-200:]}")
            check(f"--password-file {name}: no warning for a private file",
                  b"warning" not in p.stderr, p.stderr)
        p, verdict = sign_in("stdin", None, stdin=(pw + "\n").encode())
        check("--password-file - reads standard input and signs in",
              p.returncode == 0 and verdict == "pass", f"exit {p.returncode} {p.stderr[-200:]}")
        tty_ok, echoed = tty_password_dash(base, pw)
        check("--password-file - on a terminal asks without echo and signs in", tty_ok)
        check("--password-file - on a terminal does not echo the password", not echoed)
        p, verdict = sign_in("nobom", (pw + "\r\n").encode("utf-16-le"))
        check("--password-file in UTF-16 without a byte order mark is refused, not sent",
              p.returncode == 2 and b"NUL byte" in p.stderr, p.stderr)
        p, verdict = sign_in("shared", (pw + "\n").encode(), mode=0o644)
        check("--password-file readable by others: a warning, and it still signs in",
              p.returncode == 0 and b"readable by group and others (mode 644)" in p.stderr
              and b"chmod 600" in p.stderr, p.stderr)
        p, verdict = sign_in("group", (pw + "\n").encode(), mode=0o640)
        check("--password-file readable by its group: a warning",
              b"readable by its group (mode 640)" in p.stderr, p.stderr)
        check("no password in any of those outputs", pw.encode() not in p.stdout + p.stderr)
    finally:
        lab.stop()


def tty_password_dash(base, pw):
    """Runs base + --password-file - with a pseudo-terminal as standard input and
    controlling terminal; answers the prompt. Returns (signed in, echoed)."""
    master, slave = os.openpty()

    def own_tty():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    env = {k: v for k, v in os.environ.items() if k != "MIGCHECK_PASSWORD"}
    proc = subprocess.Popen([MIGCHECK, *base, "--password-file", "-"], stdin=slave,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            preexec_fn=own_tty)
    os.close(slave)
    seen = b""

    def read_terminal(wait, stop=None):
        """Adds what the terminal shows to seen, while data comes within wait s."""
        nonlocal seen
        while (stop is None or stop not in seen) and select.select([master], [], [], wait)[0]:
            try:
                chunk = os.read(master, 1024)
            except OSError:
                return
            if not chunk:
                return
            seen += chunk
    try:
        # The prompt, or (a hang detector, not a timing) 30 s without one:
        # then type anyway, as a user at a silent terminal would.
        read_terminal(30, b"Password for")
        os.write(master, pw.encode() + b"\n")
        out, _ = proc.communicate(timeout=60)
        read_terminal(0)               # what the terminal showed after the prompt
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    ok = proc.returncode == 0 and out.startswith(b"{") and json.loads(out)["verdict"] == "pass"
    return ok, pw.encode() in seen


def held_password(tmp):
    """A server that accepts and never answers keeps the run holding the password."""
    pw = "Hush-Not-In-Core-51c9"
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    port = srv.getsockname()[1]
    out = os.path.join(tmp, "held")
    os.makedirs(out)
    os.chmod(out, 0o777)
    user = NOBODY if os.geteuid() == 0 else None
    pre = None
    if user is not None:
        def pre():
            os.setgid(user)
            os.setuid(user)
    env = dict(os.environ, MIGCHECK_PASSWORD=pw)
    proc = subprocess.Popen([MIGCHECK, "remote-move", "--server", f"mail.contoso.test:{port}",
                             "--resolve", f"mail.contoso.test:{port}:127.0.0.1",
                             "--user", "CONTOSO\\migadmin", "--timeout", "20",
                             "--html", os.path.join(out, "r.html")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            stdin=subprocess.DEVNULL, preexec_fn=pre, cwd=out)
    try:
        conn, _ = srv.accept()      # the password was read before the first connection
        proc_dir = f"/proc/{proc.pid}"
        owner = os.stat(os.path.join(proc_dir, "environ")).st_uid
        runs_as = os.stat(proc_dir).st_uid if user is None else user
        check("a run holding a password is not dumpable (/proc/PID owned by root)",
              owner == 0 and runs_as != 0, f"owner {owner}, runs as {runs_as}")
        with open(os.path.join(proc_dir, "limits")) as f:
            core = [ln for ln in f if ln.startswith("Max core file size")]
        check("a run holding a password has a core size limit of 0",
              core and core[0].split()[4:6] == ["0", "0"], str(core))
        if os.geteuid() == 0:
            with open(os.path.join(proc_dir, "environ"), "rb") as f:
                environ = f.read()
            check("the password is gone from the run's environment", pw.encode() not in environ)
        conn.close()
    finally:
        srv.close()
        stdout, stderr = proc.communicate(timeout=120)
    written = b""
    for p in glob.glob(os.path.join(out, "**", "*"), recursive=True):
        if os.path.isfile(p):
            with open(p, "rb") as f:
                written += f.read()
    check("the run wrote its HTML report", os.path.exists(os.path.join(out, "r.html")))
    check("no core file was left", not glob.glob(os.path.join(out, "core*")))
    check("the password is in no file the run wrote, nor its output",
          pw.encode() not in written + stdout + stderr)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        special_files(tmp)
    with tempfile.TemporaryDirectory() as tmp:
        password_files(tmp)
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        held_password(tmp)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
