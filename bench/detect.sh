#!/usr/bin/env bash
# bench/detect.sh BUILD_DIR WORKDIR - detection over a whole stream.
#
# Generates, in a temporary directory (removed at the end; set KEEP_DETECT=1
# to keep it under WORKDIR/detect instead), three files of SIZE_MB (default
# 1024) MB:
#   unrelated.log   an application log (syslog/nginx lines): no CI or shell
#                   prelude, so it is rejected from its 64 KiB head;
#   ci-noterraform  a GitHub Actions job log that never ran terraform: read to
#                   its end in a bounded window, then rejected;
#   ci-terraform    the same job log with fixtures/ci-logs/github-actions.log
#                   (a plan run and an apply run) at its very end.
# Then times `tfaudit summarize FILE` against `cat FILE` and `grep -c 'Apply
# complete' FILE` (what the readers' bench compares the log reader with) on
# each (median of RUNS, default 3, interleaved; peak RSS from wait4).
# Targets: unrelated rejected in well under cat's time; the CI logs within
# 2x of grep (the readers' bench target) with a peak RSS that does not grow
# with the file (a few MB).
set -euo pipefail
build=$(cd "${1:?usage: detect.sh BUILD_DIR WORKDIR}" && pwd)
work=${2:?usage: detect.sh BUILD_DIR WORKDIR}
here=$(cd "$(dirname "$0")" && pwd)
runs=${RUNS:-3}
size_mb=${SIZE_MB:-1024}
tfaudit=$build/auditor/tfaudit
benchrun=$build/bench/benchrun
[ -x "$tfaudit" ] || { echo "bench: $tfaudit is not built" >&2; exit 2; }
if [ -n "${KEEP_DETECT:-}" ]; then
  tmp=$work/detect; mkdir -p "$tmp"
else
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/tfa-detect.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
fi

gen() { # gen KIND FILE: SIZE_MB MB of KIND, written in 1 MB blocks
  [ -s "$2" ] && return 0
  python3 - "$1" "$2" "$size_mb" "$here/../fixtures/ci-logs/github-actions.log" <<'PY'
import sys
kind, path, mb, fixture = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
lines, i = [], 0
while sum(map(len, lines)) < 1 << 20:
    if kind == "unrelated":
        lines.append("Mar  5 10:%02d:%02d web-%d nginx[812]: 10.0.%d.%d - - \"GET /api/v1/items/%d HTTP/1.1\" 200 %d\n"
                     % (i // 60 % 60, i % 60, i % 8, i % 250, i % 200, i, 100 + i % 900))
    else:
        lines.append("2024-03-05T09:%02d:%02d.%07dZ npm WARN deprecated pkg-%d@1.0.%d: this package is no longer supported\n"
                     % (i // 60 % 60, i % 60, i * 7919 % 10000000, i, i % 9))
    i += 1
block = "".join(lines).encode()
with open(path, "wb") as f:
    if kind != "unrelated":
        f.write(b"2024-03-05T09:00:00.0000001Z Current runner version: '2.314.1'\n")
    for _ in range(mb):
        f.write(block)
    if kind == "ci-terraform":
        f.write(open(fixture, "rb").read())
PY
}

mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
field() { awk -v l="$1" -v f="$2" '$1 == l { print $f }' "$3"; }

echo "== detection over the whole stream: tfaudit summarize vs cat (median of $runs, interleaved, ${size_mb} MB files)"
printf '%-16s %9s %9s | %9s %9s | %9s %8s | %s\n' file tfaudit RSS_MB cat RSS_MB grep tfa/grep "tfaudit says"
for kind in unrelated ci-noterraform ci-terraform; do
  f=$tmp/$kind.log
  gen "$kind" "$f"
  out=$tmp/$kind.txt
  "$benchrun" -n "$runs" "tfaudit=$tfaudit summarize $f >/dev/null 2>&1 || true" "cat=cat $f >/dev/null" \
    "grep=grep -c 'Apply complete' $f >/dev/null || true" > "$out"
  says=$( ("$tfaudit" summarize "$f" 2>&1 || true) | grep -E 'not a Terraform|Operation' | tr '\n' ' ' | sed "s#$tmp/##g")
  printf '%-16s %9s %9s | %9s %9s | %9s %8s | %s\n' "$kind" "$(field tfaudit 2 "$out")" \
    "$(mb "$(field tfaudit 4 "$out")")" "$(field cat 2 "$out")" "$(mb "$(field cat 4 "$out")")" \
    "$(field grep 2 "$out")" "$(awk -v a="$(field tfaudit 2 "$out")" -v b="$(field grep 2 "$out")" \
      'BEGIN { printf "%.2f", a / b }')" "$says"
done
