#!/usr/bin/env python3
"""gen-cause-ids.py - the cause ids as compile-time symbols, made from the catalogue.

    tools/gen-cause-ids.py lib/model/cause_table.c OUT.h

The catalogue (lib/model/cause_table.c) is the one place a cause is written.
This script reads its `.id = "..."` fields and writes a header with one macro
per id, MC_CAUSE_<ID>, expanding to the id's string, and MC_CAUSE_IDS(X), the
whole list as an X-macro. Code that raises or names a cause writes
MC_CAUSE_TCP_REFUSED, not "TCP_REFUSED": a mistyped id fails to compile.
The build runs this script; the header is never committed.
"""
import re
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen-cause-ids.py CAUSE_TABLE.c OUT.h")
    src, out = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        ids = re.findall(r'\.id\s*=\s*"([A-Z][A-Z0-9_]*)"', f.read())
    seen = set()
    for i in ids:
        if i in seen:
            sys.exit(f"{src}: cause id {i} is listed twice")
        seen.add(i)
    if not ids:
        sys.exit(f"{src}: no cause ids found")
    lines = [
        "/* cause_ids.h - generated from lib/model/cause_table.c by",
        " * tools/gen-cause-ids.py at build time; do not edit. */",
        "#ifndef MC_MODEL_CAUSE_IDS_H",
        "#define MC_MODEL_CAUSE_IDS_H",
        "",
    ]
    lines += [f'#define MC_CAUSE_{i} "{i}"' for i in ids]
    lines += ["", "#define MC_CAUSE_IDS(X) \\"]
    lines += [f"  X({i}) \\" for i in ids]
    lines += ["", f"#define MC_CAUSE_COUNT {len(ids)}", "", "#endif", ""]
    text = "\n".join(lines)
    try:
        with open(out, encoding="utf-8") as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
