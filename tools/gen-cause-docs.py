#!/usr/bin/env python3
"""gen-cause-docs.py - the cause tables in docs/*.md, made from the catalogue.

    tools/gen-cause-docs.py SOURCE_ROOT           rewrite the tables ('make docs')
    tools/gen-cause-docs.py SOURCE_ROOT --check   fail when a table differs (the test)

A table is made between two marker lines:

    <!-- causes: SELECTION -->
    | cause | when |
    |---|---|
    | `ID` | ... |
    <!-- end causes -->

SELECTION starts with a command: the ids whose catalogue row (.commands in
lib/model/cause_table.c) names it (without one, no ids). Then, in order: `area:AREA` keeps only the
named areas (several allowed), `-area:AREA` drops an area, `-ID` drops one id,
`+ID` or `+PREFIX*` adds ids the command does not raise itself (say why in the
text around the table). The rows are the selection in catalogue order, one id
each. The first column is the id; the other columns are written by hand and kept
by id; a new id gets the catalogue's title (a `severity` column its severity, a
`source` column its source). A row whose first cell is not one id (a `TLS_*`
cause) is kept after the generated rows.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import causelib  # noqa: E402

BEGIN = re.compile(r"^<!-- causes: (.*?) -->$")
END = "<!-- end causes -->"


def select(expr, rows, where):
    words = expr.split()
    byid = {r["id"]: r for r in rows}
    ids = set()
    if words and words[0] in causelib_commands:
        cmd = words.pop(0)
        ids = {r["id"] for r in rows if cmd in r["commands"]}
    keep = [w[5:] for w in words if w.startswith("area:")]
    if keep:
        ids = {i for i in ids if byid[i]["area"] in keep}
    for w in words:
        if w.startswith("-area:"):
            ids = {i for i in ids if byid[i]["area"] != w[6:]}
        elif w.startswith("-"):
            if w[1:] not in byid:
                sys.exit(f"{where}: {w[1:]} is not a cause id")
            ids.discard(w[1:])
        elif w.startswith("+"):
            pat = w[1:]
            add = [i for i in byid if (i.startswith(pat[:-1]) if pat.endswith("*") else i == pat)]
            if not add:
                sys.exit(f"{where}: {pat} names no cause id")
            ids.update(add)
        elif not w.startswith("area:"):
            sys.exit(f"{where}: '{w}' is not area:, -area:, -ID or +ID")
    return [r for r in rows if r["id"] in ids]


def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def make(block, expr, rows, where):
    """The table for expr, keeping the hand-written columns of block."""
    head, rule = block[0], block[1]
    names = [c.lower() for c in cells(head)]
    kept, extra = {}, []
    for line in block[2:]:
        c = cells(line)
        m = re.fullmatch(r"`([A-Z][A-Z0-9_]*)`", c[0])
        if m:
            kept.setdefault(m.group(1), c[1:])
        else:
            extra.append(line)
    out = [head, rule]
    for r in select(expr, rows, where):
        rest = kept.get(r["id"])
        if rest is None:
            rest = []
            for name in names[1:]:
                rest.append({"severity": r["severity"], "source": r.get("source", ""),
                             }.get(name, r["title"]))
        out.append("| `" + r["id"] + "` | " + " | ".join(rest) + " |")
    return out + extra


def process(path, rows, check):
    lines = open(path, encoding="utf-8").read().split("\n")
    out, i, changed = [], 0, False
    while i < len(lines):
        m = BEGIN.match(lines[i])
        out.append(lines[i])
        i += 1
        if not m:
            continue
        j = i
        while j < len(lines) and lines[j] != END:
            j += 1
        if j == len(lines):
            sys.exit(f"{path}: '{lines[i - 1]}' has no '{END}'")
        table = make(lines[i:j], m.group(1), rows, f"{path}:{i}")
        changed = changed or table != lines[i:j]
        out += table
        i = j
    if changed and not check:
        open(path, "w", encoding="utf-8").write("\n".join(out))
    return changed


def main():
    global causelib_commands
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    check = "--check" in sys.argv[2:]
    causelib_commands = [name for name, _ in causelib.commands(root)]
    rows = causelib.catalogue(root)
    docs = os.path.join(root, "docs")
    bad = [f for f in sorted(os.listdir(docs))
           if f.endswith(".md") and process(os.path.join(docs, f), rows, check)]
    if check:
        for f in bad:
            print(f"FAIL docs/{f}: a cause table differs from the catalogue: run 'make docs'")
        n = len([f for f in os.listdir(docs) if f.endswith(".md")])
        print(f"{n - len(bad)} passed, {len(bad)} failed")
        sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
