#!/usr/bin/env python3
"""The offline commands of migcheck.exe under wine, against the Linux build.

  run.py LINUX_MIGCHECK MIGCHECK_EXE GEN_IISLOG SOURCE_DIR

1. The Linux suites that need no network, run as they are against the .exe
   (through wine-migcheck.sh): the logs known-answer test and config/explain.
2. The same inputs through both builds: logs, config, explain, causes, help
   and the manual, CLI errors. Outputs must be byte-equal once paths (Z:\\...
   against /...) and timings are set aside.
3. What only Windows has: a UTF-16LE '| fl' file with CRLF, a log folder with
   non-ASCII letters in its name, a path longer than 260 characters (with and
   without \\\\?\\), a folder given with a trailing backslash, the standard
   IIS folder read when no PATH is given, the network commands' one line, and
   the .exe itself (no DLLs beyond Windows', stripped, version resource).

wine runs headless (no DISPLAY) with WINEDEBUG=-all in a private WINEPREFIX
next to the .exe. Prints "windows: N passed, N failed" and writes the counts
to testlog-windows.json next to the .exe (.ci/run adds them up); exit 1 on a
failure.
"""
import difflib
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

LINUX, EXE, GEN, SRC = (os.path.abspath(a) for a in sys.argv[1:5])
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(SRC, "tests", "data")
PREFIX = os.path.join(os.path.dirname(EXE), "wineprefix")
ENV = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
ENV.update(WINEPREFIX=PREFIX, WINEDEBUG="-all", WINEDLLOVERRIDES="mscoree,mshtml=",
           MC_WIN_EXE=EXE, NO_COLOR="1",
           # No wrapping: the Windows paths (Z:\...) are longer than the Linux
           # ones, so a wrapped line would break at another place.
           COLUMNS="1000")
passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def winpath(p):
    """A Unix path as wine's Windows path for it (drive Z: is /)."""
    return "Z:" + p.replace("/", "\\")


def run(argv, stdin=None, env=None, timeout=300):
    e = dict(ENV, **(env or {}))
    return subprocess.run(argv, capture_output=True, env=e, timeout=timeout,
                          input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL)


def lin(*args, **kw):
    return run([LINUX, *args], **kw)


def win(*args, **kw):
    return run(["wine", EXE, *args], **kw)


# Timings and clocks differ from run to run; everything else must not.
VOLATILE = {"started", "duration_ms", "started_ms", "elapsed_ms", "mb_per_s", "threads"}
# Z:\a\b, JSON-escaped or not, with or without \\?\, up to a quote, the
# colon of file:line, the next path or the end of the line (paths may hold
# spaces).
WINPATH = re.compile(r"(?:\\\\\\\\\?\\\\|\\\\\?\\)?Z:((?:\\\\|\\)(?:(?! Z:)[^\"':\n])*)")


def unwin(text):
    """Z:\\a\\b -> /a/b."""
    return WINPATH.sub(lambda m: m.group(1).replace("\\\\", "/").replace("\\", "/"), text)


def scrub(v):
    if isinstance(v, dict):
        return {k: scrub(x) for k, x in v.items() if k not in VOLATILE}
    if isinstance(v, list):
        return [scrub(x) for x in v]
    if isinstance(v, str):
        v = re.sub(r"[0-9.]+ MB/s", "N MB/s", v)
        return re.sub(r"\b[0-9.]+ (ms|s)\b", r"N \1", v)
    return v


def norm(out, is_json):
    text = unwin(out.decode("utf-8", "replace"))
    if is_json:
        try:
            return json.dumps(scrub(json.loads(text)), indent=1, sort_keys=True)
        except ValueError as e:
            return f"not JSON ({e}): {text[:300]}"
    return scrub(text)


def same(name, lin_args, win_args=None, stdin=None, is_json=None, env=None):
    """Both builds on the same input: same exit code, same output."""
    win_args = win_args if win_args is not None else lin_args
    is_json = "--json" in lin_args if is_json is None else is_json
    a, b = lin(*lin_args, stdin=stdin, env=env), win(*win_args, stdin=stdin, env=env)
    na, nb = norm(a.stdout, is_json), norm(b.stdout, is_json)
    ea, eb = unwin(a.stderr.decode("utf-8", "replace")), unwin(b.stderr.decode("utf-8", "replace"))
    detail = ""
    if na != nb:
        detail = "\n" + "".join(list(difflib.unified_diff(
            na.splitlines(True), nb.splitlines(True), "linux", "windows"))[:40])
    elif ea != eb:
        detail = f"\n  stderr linux:   {ea!r}\n  stderr windows: {eb!r}"
    check(f"same as Linux: {name}", a.returncode == b.returncode and not detail,
          f"exit {a.returncode} / {b.returncode}{detail}")
    return b


def wine_ready():
    """A private prefix, made once (its first start takes seconds); the wine
    server and its services stay up between the many short runs below."""
    # The server first, detached from our pipes (a wine program started
    # without one would hand it its stdout, and a reader would wait for it).
    quiet = dict(env=ENV, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                 stderr=subprocess.DEVNULL)
    subprocess.run(["wineserver", "-p", "30"], check=False, **quiet)
    # Booting starts wine's services, which would keep the pipes of the
    # first program run otherwise (and make the prefix, the first time).
    subprocess.run(["wine", "wineboot", "--init"], check=False, timeout=300, **quiet)
    p = win("--version")
    check("migcheck.exe starts under wine", p.returncode == 0 and
          p.stdout.startswith(b"migcheck "), p.stderr[-300:])
    return p.returncode == 0


# Cases of the Linux suites that cannot hold for migcheck.exe, with the reason.
KNOWN_WINDOWS = {
    "config FOLDER reads every file --collect wrote":
        "the folder holds an applicationHost.config, which needs expat (not in the .exe)",
}


def has_xml(path):
    """Whether path is, or is a folder holding, an IIS .config (XML) file."""
    if os.path.isdir(path):
        return any(f.endswith(".config") for f in os.listdir(path))
    return path.endswith(".config")


def linux_suites():
    """The Linux build's offline test scripts, run against the .exe."""
    wrapper = os.path.join(HERE, "wine-migcheck.sh")
    for name, argv in (
            ("logs known-answer", [os.path.join(SRC, "tests/logs/known_answer.py"), wrapper, GEN]),
            ("config and explain", [os.path.join(SRC, "tests/e2e/config_explain.py"), wrapper,
                                    DATA])):
        p = run([sys.executable, *argv], timeout=900)
        out = p.stdout.decode()
        last = out.strip().splitlines()[-1] if out.strip() else ""
        fails = [ln for ln in out.splitlines() if ln.startswith("FAIL")]
        known = [f for f in fails if any(f.startswith("FAIL " + k) for k in KNOWN_WINDOWS)]
        for f in known:
            print(f"note {name}: {f[5:60]}... fails as expected: "
                  f"{next(v for k, v in KNOWN_WINDOWS.items() if f.startswith('FAIL ' + k))}")
        unexpected = [f for f in fails if f not in known]
        check(f"{name} suite on migcheck.exe ({last}; {len(known)} known to differ)",
              not unexpected and (p.returncode == 0 or known) and "passed" in last,
              "\n  " + "\n  ".join(unexpected[:10]) + p.stderr.decode()[-500:])


def differential(tmp):
    logs = os.path.join(DATA, "logs")
    for d in sorted(os.listdir(logs)):
        path = os.path.join(logs, d)
        same(f"logs {d} --json", ["logs", path, "--json"], ["logs", winpath(path), "--json"])
        same(f"logs {d} (text)", ["logs", path, "--no-color"],
             ["logs", winpath(path), "--no-color"])
    # Every sample log at once, one of them gzip-compressed, with --server.
    gz = os.path.join(tmp, "gz", "EX09", "W3SVC1")
    os.makedirs(gz)
    with open(os.path.join(logs, "auth/EX01/W3SVC1/u_ex240312.log"), "rb") as f:
        with gzip.open(os.path.join(gz, "u_ex240312.log.gz"), "wb") as g:
            g.write(f.read())
    gzdir = os.path.join(tmp, "gz")
    same("logs of every sample and a .gz, --server, --since",
         ["logs", logs, gzdir, "--server", f"EX09={gzdir}", "--since", "2024-03-12", "--json"],
         ["logs", winpath(logs), winpath(gzdir), "--server", f"EX09={winpath(gzdir)}",
          "--since", "2024-03-12", "--json"])
    # --cloud-ranges: Winsock's inet_pton and inet_ntop read and print them.
    ranges = os.path.join(tmp, "cloud-ranges.txt")
    with open(ranges, "w", newline="\r\n") as f:
        f.write("# Exchange Online (a test list)\n40.92.0.0/15\n2603:1000::/25, v6\n10.0.0.0/8\n")
    same("logs --cloud-ranges (a CRLF file)", ["logs", logs, "--cloud-ranges", ranges, "--json"],
         ["logs", winpath(logs), "--cloud-ranges", winpath(ranges), "--json"])
    cfg = os.path.join(DATA, "config")
    for f in sorted(os.listdir(cfg)):
        path = os.path.join(cfg, f)
        if has_xml(path):
            # XML (IIS) needs expat, which the .exe has not: it says so.
            p = win("config", winpath(path), "--json")
            check(f"config {f}: migcheck.exe has no XML parser and says which build has",
                  p.returncode in (1, 3) and b"Linux or macOS build" in p.stdout, p.stdout[-300:])
            continue
        same(f"config {f} --json", ["config", path, "--json"], ["config", winpath(path), "--json"])
    every = [os.path.join(cfg, f) for f in sorted(os.listdir(cfg))
             if f.endswith((".txt", ".reg")) and f not in ("empty.txt", "not-powershell.txt")
             and not os.path.isdir(os.path.join(cfg, f))]
    same("config of every input at once (text)", ["config", *every],
         ["config", *map(winpath, every)])
    same("config --collect", ["config", "--collect"])
    exp = os.path.join(DATA, "explain")
    for f in sorted(os.listdir(exp)):
        with open(os.path.join(exp, f), "rb") as fh:
            text = fh.read()
        same(f"explain {f} --json", ["explain", "-", "--json"], stdin=text)
    same("explain (text, non-ASCII argument)",
         ["explain", "Fehler 0x6ba „Der RPC-Server ist nicht verfügbar“ from cli_NspiBind"])
    same("causes", ["causes"])
    same("causes --json", ["causes", "--json"])
    same("causes OA_PORT_NOT_ALLOWED LOG_NTLM_SPLIT", ["causes", "OA_PORT_NOT_ALLOWED",
                                                       "LOG_NTLM_SPLIT"])
    for cmd in ("logs", "config", "explain", "causes"):
        same(f"{cmd} --help", [cmd, "--help"])
    same("--man", ["--man"])
    same("--version", ["--version"])
    same("version", ["version"])


def summaries(tmp):
    """Each server summarizes its own logs (logs --summary), one machine
    merges (logs --merge): summaries written by the .exe merge on Linux into
    the same report as the Linux build's own, and the other way round."""
    if b"--summary" not in lin("logs", "--help").stdout:
        print("note logs --summary is not in this tree yet: the summary cases are left out")
        return
    logs = os.path.join(DATA, "logs")
    made = {"lin": [], "win": []}
    for side in made:
        os.makedirs(os.path.join(tmp, "sum-" + side))
    for d in ("auth", "wrong", "httperr"):
        for side in made:
            out = os.path.join(tmp, "sum-" + side, d + ".mcsum")
            src = os.path.join(logs, d)
            p = (lin("logs", src, "--summary", out, "--quiet") if side == "lin" else
                 win("logs", winpath(src), "--summary", winpath(out), "--quiet"))
            check(f"logs {d} --summary ({side})", p.returncode in (0, 1) and
                  os.path.exists(out), f"exit {p.returncode} {p.stderr!r}")
            made[side].append(out)
    a = lin("logs", "--merge", *made["lin"], "--json")
    b = lin("logs", "--merge", *made["win"], "--json")
    na = norm(a.stdout, True)
    nb = norm(b.stdout, True).replace("/sum-win/", "/sum-lin/")
    check("summaries from migcheck.exe merge on Linux as the Linux build's own do",
          a.returncode == b.returncode and na == nb and a.returncode == 1,
          "".join(list(difflib.unified_diff(na.splitlines(True), nb.splitlines(True)))[:30]))
    same("logs --merge of Linux summaries on migcheck.exe", ["logs", "--merge", *made["lin"],
         "--json"], ["logs", "--merge", *map(winpath, made["lin"]), "--json"])


def cli_errors():
    for name, args in (
            ("unknown command", ["frobnicate"]),
            ("unknown option", ["causes", "--frob"]),
            ("option of another command", ["causes", "--legacy-rpc"]),
            ("unknown cause", ["causes", "NO_SUCH_CAUSE"]),
            ("logs bad --since", ["logs", "x", "--since", "yesterday"]),
            ("logs --since after --until", ["logs", "x", "--since", "2024-03-12",
                                            "--until", "2024-03-11"]),
            ("logs bad --run-id", ["logs", "x", "--run-id", "mc-xyz"]),
            ("logs bad --server", ["logs", "x", "--server", "EX01"]),
            ("config no files", ["config"]),
            ("config --collect with files", ["config", "--collect", "x"]),
            ("explain empty", ["explain", ""]),
            ("password option does not exist", ["config", "x", "--password", "y"])):
        p = same(f"usage error: {name}", args)
        lines = p.stderr.decode().strip().splitlines()
        check(f"usage error on Windows too: {name}", p.returncode == 2 and len(lines) == 1 and
              lines[0].startswith("migcheck: "), p.stderr)
    missing = os.path.join(DATA, "config", "no-such-file.txt")
    same("config missing file", ["config", missing], ["config", winpath(missing)])
    same("config a folder", ["config", DATA], ["config", winpath(DATA)])
    same("logs missing path --json", ["logs", missing, "--json"], ["logs", winpath(missing), "--json"])
    for cmd in (["remote-move", "--server", "mail.contoso.test"], ["ports", "a.test"],
                ["tls", "a.test"], ["outlook-anywhere"], ["autodiscover"], ["imap", "a.test"],
                ["lab", "--list"], ["demo"], ["batch", "endpoints.csv"]):
        p = win(*cmd)
        lines = p.stderr.decode().strip().splitlines()
        check(f"{cmd[0]}: one line naming the Linux/macOS build, exit 3", p.returncode == 3 and
              len(lines) == 1 and "Linux or macOS build" in lines[0] and p.stdout == b"",
              f"exit {p.returncode} {p.stderr!r}")


def windows_only(tmp):
    # A '| fl' file as PowerShell's '>' writes it: UTF-16LE with BOM, CRLF,
    # in a folder with non-ASCII letters.
    src = os.path.join(DATA, "config", "ews-seed001-no-external-url.txt")
    with open(src, encoding="utf-8") as f:
        text = f.read().replace("\r\n", "\n")
    os.makedirs(os.path.join(tmp, "Ausgabe-Ü"))
    u16 = os.path.join(tmp, "Ausgabe-Ü", "ews-vdir-utf16.txt")
    with open(u16, "wb") as f:
        f.write(b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"))
    p = same("config UTF-16LE fl with CRLF", ["config", u16, "--json"],
             ["config", winpath(u16), "--json"])
    ids = [c["id"] for c in json.loads(p.stdout or b"{}").get("causes", [])]
    check("config UTF-16LE fl with CRLF: the cause of its UTF-8 original",
          ids == ["CFG_EWS_EXTERNAL_URL_MISSING"], ids)

    # A log folder whose name has non-ASCII letters (and a file under it).
    odd = os.path.join(tmp, "Protokolle Überprüfung ÆØÅ 日本", "EX01", "W3SVC1")
    os.makedirs(odd)
    shutil.copy(os.path.join(DATA, "logs/auth/EX01/W3SVC1/u_ex240312.log"), odd)
    top = os.path.join(tmp, "Protokolle Überprüfung ÆØÅ 日本")
    p = same("logs in a folder with non-ASCII letters", ["logs", top, "--json"],
             ["logs", winpath(top), "--json"])
    doc = json.loads(p.stdout or b"{}")
    check("logs non-ASCII folder: the file was read and named in UTF-8",
          "Überprüfung ÆØÅ 日本" in json.dumps(doc, ensure_ascii=False) and
          doc.get("verdict") == "fail", doc.get("verdict"))
    same("logs folder with a trailing backslash", ["logs", top + "/", "--json"],
         ["logs", winpath(top) + "\\", "--json"])

    # A path longer than MAX_PATH (260), given plain and with \\?\.
    deep = tmp
    while len(deep) < 300:
        deep = os.path.join(deep, "a-rather-long-folder-name-for-the-test")
    deep = os.path.join(deep, "EX07", "W3SVC1")
    os.makedirs(deep)
    shutil.copy(os.path.join(DATA, "logs/healthy/EX01/W3SVC1/u_ex240312.log"), deep)
    longfile = os.path.join(deep, "u_ex240312.log")
    check("the long path is over 260 characters", len(winpath(longfile)) > 260,
          len(winpath(longfile)))
    same("logs file at a path over 260 characters", ["logs", longfile, "--json"],
         ["logs", winpath(longfile), "--json"])
    p = same("logs file over 260 characters with \\\\?\\", ["logs", longfile, "--json"],
             ["logs", "\\\\?\\" + winpath(longfile), "--json"])
    check("logs long path: read, not unreadable",
          json.loads(p.stdout or b"{}").get("verdict") == "pass", p.stdout[-300:])
    same("logs folder holding a path over 260 characters",
         ["logs", os.path.join(tmp, "a-rather-long-folder-name-for-the-test"), "--json"],
         ["logs", winpath(os.path.join(tmp, "a-rather-long-folder-name-for-the-test")),
          "--json"])

    # No PATH: the standard IIS folder of this (wine) machine, said which.
    iis = os.path.join(PREFIX, "drive_c", "inetpub", "logs", "LogFiles")
    made = not os.path.exists(os.path.join(PREFIX, "drive_c", "inetpub"))
    try:
        p = win("logs", "--json")
        check("logs with no PATH and no standard folder: exit 2, one line naming them",
              p.returncode == 2 and b"inetpub\\logs\\LogFiles" in p.stderr and
              b"HTTPERR" in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr)
        os.makedirs(os.path.join(iis, "W3SVC1"))
        shutil.copy(os.path.join(DATA, "logs/auth/EX01/W3SVC1/u_ex240312.log"),
                    os.path.join(iis, "W3SVC1"))
        p = win("logs", "--json")
        doc = json.loads(p.stdout or b"{}")
        check("logs with no PATH reads C:\\inetpub\\logs\\LogFiles and says so",
              p.returncode == 1 and b"C:\\inetpub\\logs\\LogFiles" in p.stderr and
              any("C:\\inetpub\\logs\\LogFiles" in n for n in doc.get("notes", [])),
              f"exit {p.returncode} {p.stderr!r} {doc.get('notes')}")
        found = json.dumps(doc)
        check("logs with no PATH: the files are this machine's (its computer name, not the "
              "file name)", '"server_from": "--server"' in found and
              '"server": "u_ex240312.log"' not in found, found[:400])
        if b"--summary" in lin("logs", "--help").stdout:
            # The server's own summary, merged elsewhere (README's workflow).
            summ = os.path.join(tmp, "this-server.mcsum")
            p = win("logs", "--summary", winpath(summ), "--quiet")
            m = lin("logs", "--merge", summ, "--json")
            merged = json.loads(m.stdout or b"{}")
            check("migcheck.exe logs --summary with no PATH merges on Linux into the same causes",
                  p.returncode == 1 and m.returncode == 1 and
                  [c["id"] for c in merged.get("causes", [])] ==
                  [c["id"] for c in doc.get("causes", [])],
                  f"exit {p.returncode}/{m.returncode} {p.stderr!r} {m.stderr!r}")
    finally:
        if made:
            shutil.rmtree(os.path.join(PREFIX, "drive_c", "inetpub"), ignore_errors=True)

    # The file itself.
    p = run(["x86_64-w64-mingw32-objdump", "-p", EXE])
    dlls = sorted(set(re.findall(rb"DLL Name: (\S+)", p.stdout)))
    system = {b"KERNEL32.dll", b"msvcrt.dll", b"bcrypt.dll", b"SHELL32.dll", b"WS2_32.dll",
              b"ADVAPI32.dll", b"USER32.dll"}
    check("migcheck.exe needs only Windows' own DLLs", dlls and set(dlls) <= system, dlls)
    p = run(["x86_64-w64-mingw32-objdump", "-t", EXE])
    check("migcheck.exe is stripped", b"no symbols" in p.stdout or
          len(p.stdout.splitlines()) < 10, p.stdout[:200])
    with open(EXE, "rb") as f:
        blob = f.read()
    version = lin("--version").stdout.split()[-1].decode()
    check("migcheck.exe has a version resource with the version",
          "FileVersion".encode("utf-16-le") in blob and
          version.encode("utf-16-le") in blob and "migcheck.exe".encode("utf-16-le") in blob)


def main():
    counts = os.path.join(os.path.dirname(EXE), "testlog-windows.json")
    if os.path.exists(counts):
        os.remove(counts)          # no stale counts when this run stops early
    if not wine_ready():
        subprocess.run(["wineserver", "-k"], env=ENV, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"windows: {passed} passed, {failed} failed")
        return 1
    tmp = tempfile.mkdtemp(prefix="mc-win-")
    try:
        linux_suites()
        differential(tmp)
        summaries(tmp)
        cli_errors()
        windows_only(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        # Only this prefix's server and the services it started.
        subprocess.run(["wineserver", "-k"], env=ENV, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"windows: {passed} passed, {failed} failed")
    with open(counts, "w") as f:
        json.dump({"passed": passed, "failed": failed}, f)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
