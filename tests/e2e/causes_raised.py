#!/usr/bin/env python3
"""causes_raised.py - who raises each cause id of the catalogue.

    causes_raised.py SOURCE_ROOT [MIGCHECK]

For every id in lib/model/cause_table.c, lists where it is raised: by a
check (the files under lib/ and src/ that name MC_CAUSE_<ID>, other than the
lab and the explain signatures), by explain only (lib/kb), or marked
catalogue-only in tests/data/causes/catalogue-only.txt with a reason. Fails
on an id that nothing raises and nothing marks, on a mark that is stale (the
id is raised after all), and on a cause id written as a string literal in
code under lib/ or src/ (it must be the MC_CAUSE_<ID> symbol, so that a
mistyped id fails to compile).

Each catalogue row names the commands that can raise it (.commands): the
test fails when that list differs from the commands whose code reaches a
place that names the id (tools/causelib.py walks the call graph from the
command table). With MIGCHECK (a build with the lab) it also fails when a
row names a scenario that `migcheck lab --list --json` does not have or that
does not expect the id, when an id some scenario expects names none, and
when a command's --help text names an id outside its generated list.
"""
import json
import os
import re
import subprocess
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else "."
MIGCHECK = sys.argv[2] if len(sys.argv) > 2 else None
sys.path.insert(0, os.path.join(ROOT, "tools"))
import causelib  # noqa: E402
failed = 0


def fail(msg):
    global failed
    failed += 1
    print("FAIL", msg)


table = open(os.path.join(ROOT, "lib/model/cause_table.c"), encoding="utf-8").read()
ids = re.findall(r'\.id\s*=\s*"([A-Z][A-Z0-9_]*)"', table)
idset = set(ids)
literal = re.compile(r'"(' + "|".join(sorted(idset, key=len, reverse=True)) + r')"')

marked = {}
with open(os.path.join(ROOT, "tests/data/causes/catalogue-only.txt"), encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 1)
        if len(parts) < 2:
            fail(f"catalogue-only.txt:{n}: {parts[0]} has no reason")
            continue
        if parts[0] not in idset:
            fail(f"catalogue-only.txt:{n}: {parts[0]} is not in the catalogue")
        marked[parts[0]] = parts[1]

raised = {}
explain = set()
for top in ("lib", "src"):
    for dp, _, fs in os.walk(os.path.join(ROOT, top)):
        for fn in sorted(fs):
            if not fn.endswith((".c", ".h")):
                continue
            path = os.path.join(dp, fn)
            rel = os.path.relpath(path, ROOT)
            if rel == "lib/model/cause_table.c":
                continue
            text = open(path, encoding="utf-8").read()
            for n, line in enumerate(text.split("\n"), 1):
                s = line.lstrip()
                if s.startswith(("*", "/*", "//", "#include")):
                    continue
                m = literal.search(line)
                # Help text may name ids inside longer strings; a literal that is
                # exactly an id is code naming a cause.
                if m:
                    fail(f"{rel}:{n}: cause id {m.group(1)} as a string literal; "
                         f"write MC_CAUSE_{m.group(1)}")
            for m in re.finditer(r"\bMC_CAUSE_([A-Z0-9_]+)\b", text):
                cid = m.group(1)
                if cid not in idset:
                    continue
                if rel.startswith("lib/kb/"):
                    explain.add(cid)
                elif rel.startswith("lib/lab/") or rel == "src/cmd_demo.c":
                    pass   # the lab's expected answers, not a diagnosis
                else:
                    raised.setdefault(cid, set()).add(rel)

counts = {"check": 0, "explain": 0, "catalogue": 0}
for cid in ids:
    if cid in raised:
        counts["check"] += 1
        where = ", ".join(sorted(raised[cid]))
        print(f"{cid}: raised by {where}" + (" and explain" if cid in explain else ""))
        if cid in marked:
            fail(f"{cid} is marked catalogue-only but {where} raises it")
    elif cid in explain:
        counts["explain"] += 1
        print(f"{cid}: explain only")
        if cid in marked:
            fail(f"{cid} is marked catalogue-only but explain matches it")
    elif cid in marked:
        counts["catalogue"] += 1
        print(f"{cid}: catalogue-only ({marked[cid]})")
    else:
        fail(f"{cid}: nothing raises it and catalogue-only.txt does not list it")

# The row's commands against the code's.
rows = causelib.catalogue(ROOT)
found = causelib.raisers(ROOT)
order = [name for name, _ in causelib.commands(ROOT)]
for row in rows:
    want = sorted(found.get(row["id"], {}).get("commands", ()), key=order.index)
    for c in row["commands"]:
        if c not in order:
            fail(f"{row['id']}: .commands names '{c}', which is not a command")
    if row["commands"] != want:
        fail(f"{row['id']}: .commands is \"{' '.join(row['commands'])}\"; the code "
             f"raises it from \"{' '.join(want)}\" (command table order)")

if MIGCHECK:
    out = subprocess.run([MIGCHECK, "lab", "--list", "--json"], capture_output=True,
                         text=True, check=True).stdout
    expects = {s["scenario"]: set(s["expect"]) for s in json.loads(out)}
    for row in rows:
        for sc in row["scenarios"]:
            if sc not in expects:
                fail(f"{row['id']}: .scenarios names '{sc}', which is not a lab scenario")
            elif row["id"] not in expects[sc]:
                fail(f"{row['id']}: scenario '{sc}' does not expect it")
        shown = sorted(sc for sc, e in expects.items() if row["id"] in e)
        if shown and not row["scenarios"]:
            fail(f"{row['id']}: .scenarios names none of the scenarios that show it "
                 f"({', '.join(shown)})")
    # The teaching text of --help may name ids; each must be in the command's list.
    byid = {r["id"]: r for r in rows}
    for cmd in order:
        text = subprocess.run([MIGCHECK, cmd, "--help"], capture_output=True,
                              text=True).stdout
        about = text.split("\ncauses it can name")[0].split("\noptions:")[0]
        for cid in sorted(set(re.findall(r"\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+\b", about))):
            if cid in byid and cmd not in byid[cid]["commands"]:
                fail(f"'migcheck {cmd} --help' names {cid}, which {cmd} cannot raise")
    print(f"scenarios: {len(expects)} read from the lab; --help of {len(order)} commands read")

print(f"causes: {len(ids)} ids; raised by a check {counts['check']}, explain only "
      f"{counts['explain']}, catalogue-only {counts['catalogue']}")
print(f"{len(ids) - failed if failed < len(ids) else 0} passed, {failed} failed")
sys.exit(1 if failed else 0)
