#!/usr/bin/env python3
"""retar.py SRC DST OP ARGS... - rewrite a bundle the way a tamperer would.

  edit NAME OLD NEW       replace OLD by NEW in NAME
  edit-listed NAME OLD NEW  the same, and fix NAME's size and sha256 in the manifest
  drop NAME               leave NAME out
  add NAME TEXT           add a file
  symlink NAME TARGET     add a symbolic link
"""
import hashlib, io, json, sys, tarfile

src, dst, op, *args = sys.argv[1:]
with tarfile.open(src, "r:gz") as t:
    members = [(m, t.extractfile(m).read() if m.isfile() else None) for m in t.getmembers()]
out = []
for m, data in members:
    if op in ("edit", "edit-listed") and m.name == args[0]:
        data = data.replace(args[1].encode(), args[2].encode())
    if op == "drop" and m.name == args[0]:
        continue
    out.append((m, data))
if op == "edit-listed":
    edited = dict((m.name, d) for m, d in out)[args[0]]
    for i, (m, data) in enumerate(out):
        if m.name == "manifest.json":
            man = json.loads(data)
            for f in man["files"]:
                if f["name"] == args[0]:
                    f["bytes"], f["sha256"] = len(edited), hashlib.sha256(edited).hexdigest()
            out[i] = (m, (json.dumps(man, indent=2, sort_keys=True) + "\n").encode())
if op == "add":
    out.append((tarfile.TarInfo(args[0]), args[1].encode()))
if op == "symlink":
    info = tarfile.TarInfo(args[0])
    info.type, info.linkname = tarfile.SYMTYPE, args[1]
    out.append((info, None))
with tarfile.open(dst, "w:gz") as t:
    for m, data in out:
        if data is not None:
            m.size = len(data)
            t.addfile(m, io.BytesIO(data))
        else:
            t.addfile(m)
