#!/usr/bin/env python3
"""head_comments.py - the comment at the top of each C file points at things that exist.

    head_comments.py SOURCE_ROOT

A file's head comment (the comment block it opens with) is where a reader
learns where to look next, so a stale pointer sends them nowhere. For every
.c and .h file under lib/, src/, tests/, fuzz/ and bench/, this fails when the
head comment names a file `x.c`/`x.h` (or `dir/x.c`) that no file in the tree
is, or a function `name()` that is neither in the file's own code, nor in a
header, nor a library function the code calls (`poll()`): a static function
of another file does not count.
It reads the tree as it is when it runs, so files moved by other work are
judged where they are now. A system header the code includes (<windows.h>)
exists. tests/data/head-comments/known-stale.txt lists pointers known to be
stale, each to be fixed by the work that owns its file: listed, they do not
fail; a listed one that is no longer stale does.
"""
import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else "."
sys.path.insert(0, os.path.join(ROOT, "tools"))
import causelib  # noqa: E402  (its comment and string stripper)

TOPS = ("lib", "src", "tests", "fuzz", "bench")
FILE = re.compile(r"(?<![\w./-])((?:[\w-]+/)*[\w-]+\.[ch])\b(?![\w(])")
FUNC = re.compile(r"(?<![\w.>-])([A-Za-z_]\w*)\(\)")

paths = []
for top in TOPS:
    for dp, dirs, fs in os.walk(os.path.join(ROOT, top)):
        dirs.sort()
        for fn in sorted(fs):
            paths.append(os.path.relpath(os.path.join(dp, fn), ROOT))
cfiles = [p for p in paths if p.endswith((".c", ".h"))]
# Generated at build time; named by the files that include them.
generated = {"model/cause_ids.h", "cause_ids.h", "version.h"}

used = set()        # every identifier in code
public = set()      # identifiers in headers' code
defined = set()     # functions, tables and macros the tree defines
own = {}            # file -> identifiers in its code
system = set()      # headers included as <...>
heads = {}
for rel in cfiles:
    text = open(os.path.join(ROOT, rel), encoding="utf-8", errors="replace").read()
    own[rel] = set(re.findall(r"[A-Za-z_]\w*", causelib._strip(text)))
    used |= own[rel]
    if rel.endswith(".h"):
        public |= own[rel]
    defined.update(name for name, _, _ in causelib._nodes(rel, text))
    system.update(re.findall(r"#\s*include\s*<([\w/.]+)>", text))
    m = re.match(r"\s*/\*(.*?)\*/", text, re.S)
    if m:
        heads[rel] = m.group(1)


def file_exists(name):
    if name in generated or name in system:
        return True
    return any(p == name or p.endswith("/" + name) for p in paths)


known = set()
with open(os.path.join(ROOT, "tests/data/head-comments/known-stale.txt"), encoding="utf-8") as f:
    for line in f:
        if line.strip() and not line.startswith("#"):
            known.add(tuple(line.split(None, 1)[0:1]) + (line.split(None, 1)[1].strip(),))

failed = 0
checked = 0
seen_known = set()
for rel, head in sorted(heads.items()):
    checked += 1
    bad = []
    for f in sorted(set(FILE.findall(head))):
        if not file_exists(f):
            bad.append(f"file {f}")
    for fn in sorted(set(FUNC.findall(head))):
        if not (fn in own[rel] or fn in public or (fn in used and fn not in defined)):
            bad.append(f"function {fn}()")
    for b in list(bad):
        if (rel, b) in known:
            seen_known.add((rel, b))
            bad.remove(b)
            print(f"known {rel}: {b} (tests/data/head-comments/known-stale.txt)")
    if bad:
        failed += 1
        print(f"FAIL {rel}: its head comment names {', '.join(bad)}, which the tree does not have")
for rel, b in sorted(known - seen_known):
    failed += 1
    print(f"FAIL known-stale.txt lists {rel}: {b}, which is no longer stale: remove the line")
print(f"head comments: {checked} read")
print(f"{checked - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
