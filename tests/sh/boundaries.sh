#!/usr/bin/env bash
# boundaries.sh [TFAUDIT] - the rooms' boundaries (ARCHITECTURE.md "Rooms"
# and "Boundaries"), checked on every #include "..." of the tree:
#   private  no file includes another room's private/ header. CMake keeps
#            private/ off other rooms' include paths, but util/ and net/ put
#            the project root on everyone's, so "parsers/private/x.h" or a
#            relative "../parsers/private/x.h" would still compile: this
#            check is what closes that hole. Tests and benchmarks included.
#   order    no room includes a header of a room listed after it in the
#            table (dependencies point one way).
#   may-use  a room includes headers only of the rooms its "may use" column
#            names, its own, and util/ (the base of everything, STYLE.md).
# The table is read from ARCHITECTURE.md itself, so the document and the
# check cannot drift apart; a table that cannot be read fails the test.
# Includes resolve as the compiler would: the including file's directory,
# the room's own private/, the project root, then the module directories.
# Known crossings are listed in ALLOWED below, each with its reason; a new
# crossing fails, and so does an allowed one that has gone (keep the list
# honest). The binary argument is ignored: this reads sources only.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "skipped: python3 is not installed"; exit 77; }

python3 - "$SRC" <<'PYEOF'
import os, re, sys

root = sys.argv[1]

# Known crossings, "rule file -> header" (paths from the project root).
# Today's; fix one, then delete its line. Nothing may be added without the
# reason it cannot be fixed in the room that owns it.
ALLOWED = {
    # The run task evaluates a checklist (borrowed in tfa_serve_options),
    # applies waivers and sign-offs and returns the verdict's outcomes: serve
    # drives checklist/ directly where the table says engine/ (gate_run).
    "may-use serve/runtask.h -> checklist/verdict.h",
    "may-use serve/server.h -> checklist/checklist.h",
    "may-use serve/task.c -> checklist/waivers.h",
    # --signing-key: the signer handle in tfa_serve_options (crypto/ is
    # under storage/, which the table lets serve use, but not directly).
    "may-use serve/server.h -> crypto/sign.h",
}

def read_table():
    """[(room, [may use...])] in table order, from ARCHITECTURE.md."""
    rows, text = [], open(os.path.join(root, "ARCHITECTURE.md"), encoding="utf-8").read()
    m = re.search(r"^## Rooms\n(.*?)(?=^## )", text, re.S | re.M)
    if not m:
        sys.exit("ARCHITECTURE.md: no '## Rooms' section")
    for line in m.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3:
            continue
        r = re.fullmatch(r"`([a-z]+)/`", cells[0])
        if not r:
            continue
        rows.append((r.group(1), cells[2]))
    if len(rows) < 10:
        sys.exit("ARCHITECTURE.md: the Rooms table has %d rows, expected 10" % len(rows))
    order = [room for room, _ in rows]
    may = {}
    for i, (room, uses) in enumerate(rows):
        if uses.strip() == "libc":
            may[room] = set()
        elif uses.strip() == "everything above":
            may[room] = set(order[:i])
        else:
            names = set()
            for word in re.split(r"[,;]\s*", uses):
                w = re.match(r"([a-z]+)", word.strip())
                if not w or w.group(1) not in order:
                    sys.exit("ARCHITECTURE.md: room %s: cannot read 'may use' entry %r" % (room, word))
                names.add(w.group(1))
            may[room] = names
        if room != "util":
            may[room].add("util")
    return order, may

order, may = read_table()
rooms = set(order)
# Rooms whose own directory is on the include path (tfa_module): a bare
# "name.h" may resolve to their public headers.
module_dirs = [r for r in order if r not in ("util", "net")]

def room_of(rel):
    first = rel.split("/", 1)[0]
    return first if first in rooms else None

def resolve(src, inc):
    """The project-relative path #include "inc" in src reaches, or None."""
    cands = [os.path.join(os.path.dirname(src), inc)]
    r = room_of(src)
    if r:
        cands.append(os.path.join(r, "private", inc))
    cands.append(inc)
    cands += [os.path.join(d, inc) for d in module_dirs]
    for c in cands:
        c = os.path.normpath(c)
        if not c.startswith("..") and os.path.isfile(os.path.join(root, c)):
            return c
    return None

sources = []
for top in order + ["tests", "bench"]:
    for dp, dns, fns in os.walk(os.path.join(root, top)):
        dns[:] = [d for d in dns if d not in ("node_modules",)]
        for fn in fns:
            if fn.endswith((".c", ".h")):
                sources.append(os.path.relpath(os.path.join(dp, fn), root))
sources.sort()

inc_re = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
found, unresolved, count = [], [], 0
for src in sources:
    sr = room_of(src)
    for n, line in enumerate(open(os.path.join(root, src), encoding="utf-8", errors="replace"), 1):
        m = inc_re.match(line)
        if not m:
            continue
        count += 1
        inc = m.group(1)
        target = resolve(src, inc)
        if target is None:
            # generated at build time (auditor/CMakeLists.txt), or a test's
            # own support header on the tests' include path
            if inc != "tfa_build_info.h" and sr:
                unresolved.append("%s:%d: #include \"%s\" resolves to no file" % (src, n, inc))
            continue
        tr = room_of(target)
        if not tr or tr == sr:
            continue
        where = "%s:%d" % (src, n)
        if "/private/" in "/" + target:
            found.append(("private", src, target, where))
        if sr:
            if order.index(tr) > order.index(sr):
                found.append(("order", src, target, where))
            elif tr not in may[sr]:
                found.append(("may-use", src, target, where))

fail = 0
for msg in unresolved:
    print("FAIL: " + msg)
    fail = 1
seen = set()
for rule, src, target, where in found:
    key = "%s %s -> %s" % (rule, src, target)
    seen.add(key)
    if key in ALLOWED:
        continue
    fail = 1
    if rule == "private":
        why = "includes %s, a private header of %s/" % (target, room_of(target))
    elif rule == "order":
        why = "%s/ includes %s: %s/ is listed after %s/ in ARCHITECTURE.md (dependencies point one way)" % (
            room_of(src), target, room_of(target), room_of(src))
    else:
        why = "%s/ includes %s, but ARCHITECTURE.md says %s/ may use only %s" % (
            room_of(src), target, room_of(src), ", ".join(sorted(may[room_of(src)])))
    print("FAIL: %s: %s [%s]" % (where, why, rule))
for key in sorted(set(ALLOWED) - seen):
    print("FAIL: allowed crossing no longer exists, delete it from ALLOWED: " + key)
    fail = 1
print("%d files, %d includes, %d known crossings allowed" % (len(sources), count, len(ALLOWED)))
sys.exit(fail)
PYEOF
status=$?
[ "$status" = 0 ] || fail "include boundaries (above)"
finish
