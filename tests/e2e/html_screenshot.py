#!/usr/bin/env python3
"""The HTML report in a real browser: headless Chromium (Debian's chromium)
renders each command's report and the test checks what a reader sees: no
horizontal overflow (at 1280 and at 600 pixels), and the verdict and the
first cause inside the first screen (1280x800). A screenshot of each is left
in the temporary folder for a person to look at (printed with -v).

The report has no scripts; for measuring, a copy gets one small script that
writes the numbers into the page, which --dump-dom prints. Nothing is loaded
from the network: the page is a local file, and the browser runs with a fresh
profile and its background traffic turned off.
Usage: html_screenshot.py MIGCHECK DATADIR. Prints "N passed, N failed".
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import start_lab  # noqa: E402

MIGCHECK, DATA = sys.argv[1], sys.argv[2]
VERBOSE = "-v" in sys.argv
passed = failed = 0
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--mute-audio"]
MEASURE = """<script>
addEventListener('load', function () {
  var d = document.documentElement, v = document.querySelector('.verdict'),
      c = document.querySelector('.cause h3'), r = {
    width: innerWidth, height: innerHeight, scrollWidth: d.scrollWidth,
    verdictBottom: v ? v.getBoundingClientRect().bottom : -1,
    causeTop: c ? c.getBoundingClientRect().top : null,
    hasCause: !!c };
  var p = document.createElement('pre'); p.id = 'mc-metrics';
  p.textContent = JSON.stringify(r); document.body.appendChild(p);
});
</script></body>"""


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def chromium(args, profile):
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120)


def metrics(page, size, tmp):
    probe = page[:-5] + ".probe.html"
    with open(page, encoding="utf-8") as f:
        html = f.read()
    with open(probe, "w", encoding="utf-8") as f:
        f.write(html.replace("</body>", MEASURE, 1))
    profile = tempfile.mkdtemp(dir=tmp)
    p = chromium([f"--window-size={size}", "--virtual-time-budget=2000", "--dump-dom",
                  "file://" + probe], profile)
    m = re.search(r'<pre id="mc-metrics">(.*?)</pre>', p.stdout)
    return json.loads(m.group(1).replace("&quot;", '"')) if m else {"error": p.stderr[-300:]}


def reports(sites, tmp):
    """One report of each command, as a user would make it."""
    def lab(name, user=True):
        site = sites[name]
        words, skip = [], False
        for w in site["command"].split(" "):
            if skip:
                skip = False
            elif w == "--user":
                skip = True
            else:
                words.append(w)
        if user and site.get("user"):
            words += ["--user", site["user"]]
        return words, {"MIGCHECK_PASSWORD": site.get("password", "")}
    runs = {
        "ports": lab("port-refused"),
        "tls": lab("expiring-soon"),
        "remote-move": lab("bad-credentials"),
        "outlook-anywhere": lab("oa-validports-missing-6004"),
        "autodiscover": lab("autodiscover-auth-fail"),
        "imap": lab("imap-no-starttls"),
        "logs": (["logs", os.path.join(DATA, "logs")], {}),
        "config": (["config"] + sorted(os.path.join(DATA, "config", f) for f in
                                       os.listdir(os.path.join(DATA, "config"))
                                       if f.endswith((".txt", ".reg")))[:4], {}),
        "explain": (["explain", "Error 0x6ba (The RPC server is unavailable) from "
                     "cli_NspiBind"], {}),
    }
    out = {}
    for name, (argv, env) in runs.items():
        page = os.path.join(tmp, name + ".html")
        p = subprocess.run([MIGCHECK, *argv, "--html", page], capture_output=True, text=True,
                           env=dict(os.environ, **env), timeout=120)
        if os.path.exists(page):
            out[name] = (page, p.returncode)
        else:
            check(f"{name}: HTML written", False, p.stderr[-300:])
    return out


def main():
    if not CHROMIUM:
        print("FAIL chromium is not installed (tools/deps.sh test installs it)")
        print("0 passed, 1 failed")
        return 1
    tmp = tempfile.mkdtemp(prefix="migcheck-html-")
    lab, sites = start_lab(MIGCHECK)
    try:
        pages = reports(sites, tmp)
    finally:
        lab.terminate()
        lab.wait(timeout=20)
    for name, (page, code) in pages.items():
        wide = metrics(page, "1280,800", tmp)
        narrow = metrics(page, "600,900", tmp)
        if "error" in wide or "error" in narrow:
            check(f"{name}: measured in chromium", False, wide.get("error") or narrow["error"])
            continue
        check(f"{name}: no horizontal overflow at 1280 and 600 px",
              wide["scrollWidth"] <= wide["width"] and narrow["scrollWidth"] <= narrow["width"],
              (wide, narrow))
        check(f"{name}: the verdict is in the first screen",
              0 < wide["verdictBottom"] <= wide["height"], wide)
        if code == 1:
            check(f"{name}: the first cause starts in the first screen",
                  wide["hasCause"] and wide["causeTop"] < wide["height"], wide)
        shot = page[:-5] + ".png"
        chromium(["--window-size=1280,800", f"--screenshot={shot}", "file://" + page],
                 tempfile.mkdtemp(dir=tmp))
        if VERBOSE:
            print(f"     screenshot: {shot}")
    if not VERBOSE:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
