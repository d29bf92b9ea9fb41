#!/usr/bin/env python3
"""Write a large CI job log: a prelude of CI noise, then a real Terraform run.

usage: genci.py APPLY_LOG OUT SIZE_MB
       genci.py --json [--bare] APPLY_JSON OUT SIZE_MB

The log is what a GitHub Actions job prints, every line time-stamped: runner
setup, checkout, dependency installs and test output (the prelude, repeated
until the file is SIZE_MB MiB), then the plain-text `terraform apply` output
APPLY_LOG (bench/genlogs.py) ending in "Apply complete!". The readers' bench
reads it with tfaudit and with grep.

With --json, the job runs `terraform apply -json` instead: a short runner
prelude (detection sees the first message within its 64 KiB head), the
setup-terraform "[command]" echo, then APPLY_JSON (genlogs.py apply.json)
with its refresh_start/refresh_complete messages repeated after the version
message until the file is SIZE_MB MiB (a large refresh: no records, so the
reader's memory stays bounded), every line time-stamped with CRLF, and a
runner epilogue. --bare writes the same messages as HCP Terraform stores
them (no prelude, no timestamps): the plain -json log of the same size."""
import sys

NOISE = [
    "##[group]Run npm ci",
    "npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory.",
    "added 1432 packages, and audited 1433 packages in 21s",
    "Downloading https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz (541 kB)",
    "Get:12 http://azure.archive.ubuntu.com/ubuntu jammy-updates/main amd64 libssl3 amd64 3.0.2-0ubuntu1.15 [1905 kB]",
    "Unpacking libssl3:amd64 (3.0.2-0ubuntu1.15) over (3.0.2-0ubuntu1.14) ...",
    "[command]/usr/bin/docker pull ghcr.io/example-org/builder:2024.03",
    "a1b2c3d4e5f6: Pull complete",
    "    PASS  src/components/__tests__/Button.test.tsx (5.123 s)",
    "    ok  github.com/example-org/infra/modules/network  0.412s  coverage: 81.2% of statements",
    "Compressing objects: 100% (1832/1832), done.",
    "##[endgroup]",
]


def json_main(args):
    bare = args[0] == "--bare"
    apply_json, out, size_mb = args[bare:][0], args[bare:][1], int(args[bare:][2])
    with open(apply_json, encoding="utf-8") as f:
        msgs = f.read().splitlines()
    stamp, eol = ("", "\n") if bare else ("2024-03-05T09:12:40.0007919Z ", "\r\n")
    refresh = [m for m in msgs if '"type": "refresh_' in m or '"type":"refresh_' in m]
    pre = [] if bare else [f"Current runner version: '2.314.1'"] + \
        [f"{NOISE[i % len(NOISE)]} ({i})" for i in range(200)] + \
        ["##[group]Run terraform apply -json -auto-approve",
         "[command]/usr/bin/terraform apply -json -auto-approve"]
    post = [] if bare else ["##[endgroup]", "::debug::Terraform exited with code 0.",
                            "Post job cleanup."]
    enc = lambda lines: "".join(f"{stamp}{line}{eol}" for line in lines)
    head, body, tail = enc(pre + msgs[:1]), enc(msgs[1:] + post), enc(refresh)
    want = (size_mb << 20) - len(head.encode()) - len(body.encode())
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write(head)
        written = 0
        while written + len(tail) <= want:
            f.write(tail)
            written += len(tail)
        f.write(body)


def main():
    if sys.argv[1] == "--json":
        return json_main(sys.argv[2:])
    apply_log, out, size_mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(apply_log, encoding="utf-8") as f:
        tf = f.read().splitlines()
    stamp = "2024-03-05T09:12:40.0007919Z "
    tail = "".join(f"{stamp}{line}\n" for line in tf)
    block = "".join(f"{stamp}{NOISE[i % len(NOISE)]} ({i})\n" for i in range(20000))
    want = (size_mb << 20) - len(tail.encode())
    with open(out, "w", encoding="utf-8") as f:
        f.write(f"{stamp}Current runner version: '2.314.1'\n")
        written = 0
        while written + len(block) <= want:
            f.write(block)
            written += len(block)
        f.write(block[: max(0, want - written)].rsplit("\n", 1)[0] + "\n")
        f.write(f"{stamp}[command]/usr/bin/terraform apply -auto-approve -input=false\n")
        f.write(tail)


if __name__ == "__main__":
    main()
