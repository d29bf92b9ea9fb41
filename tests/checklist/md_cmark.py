#!/usr/bin/env python3
"""The checklist reader's view of Markdown blocks against cmark's.

A checklist is read as people read it rendered: an item a renderer shows
must be evaluated (else a blocking check hides in plain sight), one it shows
as code must not be. checklist/mdblock.c follows fences at the top level and
in list items and refuses what it could read apart from a renderer. This
test writes many small checklists from the pieces that move block
boundaries (items at every indent, fences, blank lines, lazy text, loose
lines), renders each with cmark, Debian's CommonMark reference
implementation, and runs `tfaudit check` on it. For every checklist tfaudit
accepts, each item line cmark shows as text must be among the items tfaudit
evaluated. The reverse, an item line inside an indented code block that
tfaudit still evaluates, is stricter than a renderer and only counted.

Usage: md_cmark.py TFAUDIT SOURCE_DIR [DOCS]. Exit 0 when none is missed, 1
otherwise, 77 when cmark is not installed.
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile


def checklist(rng):
    lines, ids = ["# S", ""], 0
    for _ in range(rng.randint(3, 12)):
        k = rng.choice([0, 0, 1, 2, 2, 3, 4, 5, 6])
        r = rng.random()
        if r < 0.35:
            ids += 1
            marker = rng.choice(["-", "*", "1.", "2)"])
            lines.append(" " * k + f"{marker} [ ] `i{ids}` item {ids}: `true`")
        elif r < 0.55:
            lines.append(" " * k + rng.choice(["```", "~~~", "````", "```sh", "~~~~", "\t```"]))
        elif r < 0.75:
            lines.append("")
        elif r < 0.9:
            lines.append(" " * k + "some text")
        else:
            ids += 1
            lines.append(" " * k + f"`i{ids}` loose {ids}")
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    tfaudit, src = sys.argv[1], sys.argv[2]
    docs = int(sys.argv[3]) if len(sys.argv) > 3 else 800
    if not shutil.which("cmark"):
        print("md_cmark: cmark is not installed (apt-get install cmark)", file=sys.stderr)
        return 77
    plan = os.path.join(src, "fixtures", "plans", "grafana-destroy.json")
    rng = random.Random(20261204)
    missed = accepted = stricter = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "c.md")
        for n in range(docs):
            text = checklist(rng)
            with open(path, "w") as f:
                f.write(text)
            html = subprocess.run(["cmark"], input=text, capture_output=True, text=True,
                                  check=True).stdout
            shown = set(re.findall(r"<code>(i\d+)</code>", re.sub(r"<pre>.*?</pre>", "", html,
                                                                  flags=re.S)))
            run = subprocess.run([tfaudit, "check", "-c", path, plan, "--format", "json"],
                                 capture_output=True, text=True)
            if run.returncode == 2:
                continue  # refused at a line: read as nothing, never half
            accepted += 1
            read = {i["id"] for i in json.loads(run.stdout)["items"]}
            items = {i for i in shown if re.search(r"\[ \] `%s`" % i, text)}
            if items - read:
                missed += 1
                print(f"checklist {n}: cmark shows {sorted(items - read)}, tfaudit did not "
                      f"read them\n{text}--- cmark:\n{html}")
            elif read - shown:
                stricter += 1
    print(f"md_cmark: {accepted} of {docs} checklists read, {missed} missed an item cmark "
          f"shows, {stricter} also read an item line cmark shows as indented code")
    return 1 if missed or accepted < docs // 4 else 0


if __name__ == "__main__":
    sys.exit(main())
