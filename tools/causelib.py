"""causelib.py - the cause catalogue and who can raise each id, read from the tree.

Used by tools/gen-cause-docs.py and tests/e2e/causes_raised.py; no output of
its own. Two readers:

catalogue(root)   the rows of lib/model/cause_table.c: id, severity, area,
                  title, commands, scenarios (the strings of the row, adjacent
                  literals joined).
raisers(root)     for every id, the files whose code names MC_CAUSE_<ID> and the
                  commands that reach that code: a call graph of the C tree at
                  the level of functions, tables and macros (a name used in a
                  body is an edge, so callbacks and tables count), walked from
                  each row of the command table (src/commands.c: the handler and
                  the check). The command table itself is not walked through
                  (batch and demo run other commands; those causes are theirs),
                  and the lab and demo only hold expected answers: they are
                  neither walked through nor counted.

It reads C as this tree writes it (STYLE.md: a function's body opens with a
brace on its own line at column 0); it is not a C parser.
"""
import os
import re

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
CAUSE = re.compile(r"\bMC_CAUSE_([A-Z0-9_]+)\b")
KEYWORDS = frozenset("""if for while switch return sizeof do else case default break
continue goto struct union enum static const extern inline typedef void int char
unsigned signed long short bool size_t float double volatile register""".split())

# Code that names causes without raising them: the lab's and demo's expected
# answers. The catalogue itself is data.
NOT_RAISING = ("lib/lab/", "src/cmd_demo.c", "lib/model/cause_table.c")


def _strings(body):
    """The value of the adjacent string literals in body ("a" "b" -> ab)."""
    return "".join(bytes(s, "utf-8").decode("unicode_escape")
                   for s in re.findall(r'"((?:[^"\\]|\\.)*)"', body))


def _field(row, name):
    m = re.search(r"\." + name + r"\s*=\s*((?:\"(?:[^\"\\]|\\.)*\"\s*)+)", row)
    return _strings(m.group(1)) if m else None


def catalogue(root):
    """The catalogue's rows in order, each a dict."""
    text = open(os.path.join(root, "lib/model/cause_table.c"), encoding="utf-8").read()
    text = _strip(text, keep_strings=True)
    starts = [m.start() for m in re.finditer(r"\{\s*\.id\s*=", text)]
    rows = []
    for i, s in enumerate(starts):
        row = text[s:starts[i + 1] if i + 1 < len(starts) else len(text)]
        sev = re.search(r"\.severity\s*=\s*MC_(\w+)", row)
        rows.append({
            "id": _field(row, "id"),
            "severity": sev.group(1).lower() if sev else "",
            "area": _field(row, "area") or "",
            "title": _field(row, "title") or "",
            "source": _field(row, "source") or "",
            "commands": (_field(row, "commands") or "").split(),
            "scenarios": (_field(row, "scenarios") or "").split(),
        })
    return rows


def _strip(text, keep_strings=False):
    """C text with comments, string and character literals blanked (lines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1] if keep_strings else c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _nodes(rel, text):
    """(name, is_static, body) for each function, table and macro in one file."""
    text = _strip(text)
    # Macros: the name and the rest of the (continued) line.
    lines = text.split("\n")
    code = []
    nodes = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("#"):
            full = line
            while full.endswith("\\") and i + 1 < len(lines):
                i += 1
                full = full[:-1] + " " + lines[i]
            m = re.match(r"\s*#\s*define\s+(\w+)(.*)", full)
            if m:
                nodes.append((m.group(1), rel.endswith(".c"), m.group(2)))
            code.append("")
        else:
            code.append(line)
        i += 1
    text = "\n".join(code)
    depth = 0
    decl_start = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "{" and depth == 0:
            decl = text[decl_start:i]
            j, d = i, 0
            while j < n:
                if text[j] == "{":
                    d += 1
                elif text[j] == "}":
                    d -= 1
                    if d == 0:
                        break
                j += 1
            body = text[i:j + 1]
            name = _decl_name(decl)
            if name:
                nodes.append((name, bool(re.search(r"\bstatic\b", decl)), body))
            i = j + 1
            # A table's declaration runs on to its ';'.
            decl_start = i
            continue
        if c == ";" and depth == 0:
            decl_start = i + 1
        i += 1
    return nodes


def _decl_name(decl):
    """The name a top-level declaration before a '{' defines, or None (a type)."""
    decl = decl.strip()
    if "=" in decl:
        head = decl.split("=")[0]
        head = re.sub(r"\[[^\]]*\]", "", head)
        ids = IDENT.findall(head)
        return ids[-1] if ids else None
    if "(" in decl:
        head = decl[:decl.index("(")]
        ids = [t for t in IDENT.findall(head) if t not in KEYWORDS]
        return ids[-1] if ids else None
    return None


def _sources(root):
    for top in ("lib", "src"):
        for dp, dirs, fs in os.walk(os.path.join(root, top)):
            dirs.sort()
            for fn in sorted(fs):
                if fn.endswith((".c", ".h")):
                    path = os.path.join(dp, fn)
                    yield os.path.relpath(path, root), path


def commands(root):
    """The command table's rows: [(name, [root identifiers])] in order."""
    text = open(os.path.join(root, "src/commands.c"), encoding="utf-8").read()
    rows = []
    for m in re.finditer(r'\{\s*"([a-z][a-z-]*)",\s*(\w+),\s*(\w+)', text):
        rows.append((m.group(1), [x for x in m.group(2, 3)
                                  if x not in ("NULL", "mc_cmd_check")]))
    return rows


def raisers(root):
    """{id: {"files": set(rel), "commands": set(command names)}} for every id named
    in code outside the lab, demo and the catalogue."""
    glob = {}       # name -> [node key]
    local = {}      # (rel, name) -> node key
    bodies = {}     # node key -> (rel, body)
    for rel, path in _sources(root):
        text = open(path, encoding="utf-8", errors="replace").read()
        for k, (name, static, body) in enumerate(_nodes(rel, text)):
            key = (rel, name, k)
            bodies[key] = (rel, body)
            if static:
                local.setdefault((rel, name), []).append(key)
            else:
                glob.setdefault(name, []).append(key)
    barrier = {"mc_commands"}

    def resolve(rel, name):
        if name in barrier:
            return []
        return local.get((rel, name)) or glob.get(name, [])

    edges = {}
    names = {}
    for key, (rel, body) in bodies.items():
        toks = set(IDENT.findall(body))
        names[key] = {m for m in CAUSE.findall(body)} if not rel.startswith(NOT_RAISING) \
            else set()
        edges[key] = [t for tok in toks if tok != key[1] for t in resolve(rel, tok)]

    out = {}
    for key, ids in names.items():
        for cid in ids:
            out.setdefault(cid, {"files": set(), "commands": set()})["files"].add(key[0])
    for cmd, roots in commands(root):
        seen = set()
        todo = [k for r in roots for k in resolve("src/commands.c", r)]
        while todo:
            k = todo.pop()
            if k in seen or k[0].startswith(NOT_RAISING):
                continue
            seen.add(k)
            todo.extend(edges[k])
        for k in seen:
            for cid in names[k]:
                out.setdefault(cid, {"files": set(), "commands": set()})["commands"].add(cmd)
    return out
