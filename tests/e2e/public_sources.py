#!/usr/bin/env python3
"""No output and no document names a document outside the repository.

migcheck cites public sources only (KB numbers, Microsoft Learn titles, RFC
sections, public threads). This runs everything that prints knowledge (every
help, the man page, the catalogue in text and JSON, every cause in full,
config --collect, lab --list, explain over every sample error) and reads the
documents (README.md, docs/), and fails on any name of a private reference:
the seed documents, the field-case and wire reference files.
Usage: public_sources.py MIGCHECK SRCDIR. Prints "N passed, N failed".
"""
import glob
import json
import os
import re
import subprocess
import sys

MIGCHECK, SRC = sys.argv[1], sys.argv[2]
OUTSIDE = re.compile(r"seed 0\d\d|\bseeds?\b(?! corp)|seed document|field[- ]cases?|"
                     r"exchange-wire|rpch-autodiscover|style-anchors|\.md sec\.|"
                     r"reference/[a-z-]+\.md", re.IGNORECASE)
passed = failed = 0


def check(name, text):
    global passed, failed
    hits = sorted({m.group(0) for m in OUTSIDE.finditer(text)})
    if hits:
        failed += 1
        line = next(l for l in text.splitlines() if OUTSIDE.search(l))
        print(f"FAIL {name}: names {hits}: {line.strip()[:160]}")
    else:
        passed += 1
        print(f"ok   {name}")


def run(*args, stdin=None):
    p = subprocess.run([MIGCHECK, *args], capture_output=True, text=True, timeout=60,
                       input=stdin)
    return p.stdout + p.stderr


help_text = run("--help")
check("migcheck --help", help_text)
commands = [l.split()[0] for l in help_text.split("commands:\n", 1)[1].split("\n\n", 1)[0]
            .splitlines() if l.startswith("  ") and not l.startswith("   ")]
for c in commands:
    check(f"migcheck {c} --help", run(c, "--help"))
check("migcheck --man", run("--man"))
check("migcheck causes", run("causes"))
doc = json.loads(run("causes", "--json"))
check("migcheck causes --json", json.dumps(doc))
check("every cause in full", "".join(run("causes", c["id"]) for c in doc["causes"]))
check("migcheck config --collect", run("config", "--collect"))
check("migcheck lab --list", run("lab", "--list"))
explained = ""
for f in sorted(glob.glob(os.path.join(SRC, "tests", "data", "explain", "*.txt"))):
    body = "".join(l for l in open(f, encoding="utf-8", errors="replace")
                   if not l.startswith("#"))
    explained += run("explain", "--json", stdin=body)
check("explain over every sample error (signature sources)", explained)
# Every string of the signature table, matched or not.
sig = open(os.path.join(SRC, "lib", "kb", "signatures.c"), encoding="utf-8").read()
check("lib/kb/signatures.c strings", "\n".join(re.findall(r'"((?:[^"\\]|\\.)*)"', sig)))
for f in [os.path.join(SRC, "README.md")] + sorted(glob.glob(os.path.join(SRC, "docs", "*"))):
    check(os.path.relpath(f, SRC), open(f, encoding="utf-8").read())
# The code itself, comments included: whoever reads it must be able to look
# up what it cites.
for f in sorted(glob.glob(os.path.join(SRC, "lib", "**", "*.[ch]"), recursive=True) +
                glob.glob(os.path.join(SRC, "src", "*.[ch]"))):
    check(os.path.relpath(f, SRC), open(f, encoding="utf-8").read())

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
