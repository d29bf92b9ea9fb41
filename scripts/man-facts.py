#!/usr/bin/env python3
"""man-facts.py TFAUDIT - the FACTS and COLLECTIONS sections of
tfaudit-checklist(5), generated from `tfaudit facts` (the catalog's own
listing), so the manual cannot drift from the code: tests/sh/manpages.sh
regenerates them and compares with the text between the
'.\\" facts-begin' and '.\\" facts-end' lines of man/tfaudit-checklist.5.
To update the page after adding a fact:
  scripts/man-facts.py build/auditor/tfaudit --update man/tfaudit-checklist.5
"""
import re
import subprocess
import sys


def esc(text):
    text = text.replace("\\", "\\e")
    return "\\&" + text if text[:1] in ".'" else text


def generate(binary):
    listing = subprocess.run([binary, "facts"], check=True, capture_output=True,
                             text=True).stdout.splitlines()
    out = [".SH FACTS",
           "A fact is a dotted name with one value per run: a number, a string or a",
           "boolean. A fact the inputs give no value makes the item reading it an",
           ".BR ERROR .",
           "Every fact, as",
           ".B tfaudit facts",
           "lists it:"]
    section = "facts"
    for line in listing:
        if line.startswith("collections"):
            section = "collections"
            out += [".SH COLLECTIONS",
                    "A collection is a list of records, queried with",
                    ".BR count ,",
                    ".BR any ,",
                    ".B all",
                    "and",
                    ".BR none ;",
                    "inside",
                    ".BR where ,",
                    "bare names are the fields of the element:"]
            continue
        if section == "facts":
            m = re.match(r"^  (\S+)\s+(number|string|boolean|list)\s+(.*)$", line)
            if m and m.group(1) != "NAME":
                out += [".TP", '.BR %s " (%s)"' % (m.group(1), m.group(2)), esc(m.group(3))]
            continue
        m = re.match(r"^  (\w+): (.*)$", line)
        if m:
            out += [".SS %s" % m.group(1), esc(m.group(2)) + "."]
            continue
        m = re.match(r"^    (\w+)\s+(number|string|boolean|list)\s+(.*)$", line)
        if m:
            out += [".TP", '.BR %s " (%s)"' % (m.group(1), m.group(2)), esc(m.group(3))]
            continue
        m = re.match(r"^    \((.*)\)$", line)
        if m:
            out += [".PP", esc(m.group(1).capitalize()) + "."]
    return "\n".join(out) + "\n"


def main():
    text = generate(sys.argv[1])
    if len(sys.argv) == 4 and sys.argv[2] == "--update":
        page = open(sys.argv[3]).read()
        begin, end = '.\\" facts-begin\n', '.\\" facts-end\n'
        a, b = page.index(begin) + len(begin), page.index(end)
        open(sys.argv[3], "w").write(page[:a] + text + page[b:])
    else:
        sys.stdout.write(text)


main()
