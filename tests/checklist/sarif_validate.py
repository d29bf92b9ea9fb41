#!/usr/bin/env python3
"""sarif_validate.py SCHEMA FILE... - validate SARIF logs against the official
SARIF 2.1.0 JSON schema (a draft-04 schema) with python3-jsonschema.

Exit 0 when every file validates, 1 with each error on stderr, 77 when
jsonschema is not installed (the test says it skipped; `make deps` installs
python3-jsonschema from scripts/packages.txt)."""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("skipped: python3-jsonschema is not installed", file=sys.stderr)
    sys.exit(77)


def main(argv):
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    bad = 0
    for path in argv[2:]:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for e in validator.iter_errors(doc):
            where = "/".join(str(p) for p in e.absolute_path)
            print("%s: /%s: %s" % (path, where, e.message), file=sys.stderr)
            bad = 1
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv))
