#!/usr/bin/env bash
# bench/audit.sh BUILD_DIR WORKDIR - the nightly audit of one bundle.
#
# Builds WORKDIR/audit/nightly-500.tar.gz: 500 workspaces, each a plan JSON
# from ../shared/tools/genplan.py (180 resources, 5 drifted) and the
# `apply -json` log of that plan (bench/genlogs.py), about 1 MB per
# workspace, archived one workspace folder after another. Then times, in
# the same command (median of RUNS, default 5, interleaved, with benchrun):
#   tfaudit audit -j 1 ARCHIVE     (decompress, read, gate, record, report)
#   tfaudit audit -j 2 ARCHIVE
#   tar -xzOf ARCHIVE >/dev/null    (decompress only: the floor)
# Each audit writes to a fresh ledger. Target: the default -j <= 2x tar.
set -euo pipefail
build=$(cd "${1:?usage: audit.sh BUILD_DIR WORKDIR}" && pwd)
work=${2:?usage: audit.sh BUILD_DIR WORKDIR}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
shared=$(cd "$here/../.." && pwd)/shared
runs=${RUNS:-5}
n=${WORKSPACES:-500}
tfaudit=$build/auditor/tfaudit
benchrun=$build/bench/benchrun
[ -f "$shared/tools/genplan.py" ] || { echo "bench: $shared/tools is absent" >&2; exit 2; }
[ -x "$tfaudit" ] && [ -x "$benchrun" ] || { echo "bench: build first" >&2; exit 2; }
mkdir -p "$work/audit"
work=$(cd "$work/audit" && pwd)
ar=$work/nightly-$n.tar.gz

gen_ws() { # gen_ws I: one workspace folder
  local d
  d=$(printf '%s/src/ws-%04d' "$work" "$1")
  [ -s "$d/apply.json" ] && return 0
  mkdir -p "$d"
  python3 "$shared/tools/genplan.py" 180 --drift 5 --seed "$1" >"$d/plan.json"
  python3 "$here/genlogs.py" "$d/plan.json" "$d" --seed "$1"
  rm -f "$d/apply.log" # the plan and the -json log only
}
export -f gen_ws
export work shared here
if [ ! -s "$ar" ]; then
  echo "bench: generating $n workspaces in $work/src (once)..." >&2
  seq 1 "$n" | xargs -P "$(nproc)" -I{} bash -c 'gen_ws {}'
  tar -czf "$ar.tmp" -C "$work/src" . && mv "$ar.tmp" "$ar"
fi

audit() { echo "rm -f $work/l$1.db*; $tfaudit audit --ledger $work/l$1.db -j $1 --now 2026-11-27 -c $src/checklists/nightly-drift.md $ar >/dev/null 2>&1"; }
# The audit must run cleanly (exit 0 or 1: regressions are its result), or the timing means nothing.
eval "$(audit 2)" || [ $? -eq 1 ] || { echo "bench: the audit failed" >&2; exit 1; }

out=$work/times.txt
"$benchrun" -n "$runs" "j1=$(audit 1)" "j2=$(audit 2)" "tar=tar -xzOf $ar >/dev/null" >"$out"
t1=$(awk '$1 == "j1" { print $2 }' "$out"); t2=$(awk '$1 == "j2" { print $2 }' "$out")
tt=$(awk '$1 == "tar" { print $2 }' "$out")
rss=$(awk '$1 == "j2" { printf "%.0f", $4 / 1024 }' "$out")
echo "== audit: tfaudit audit of $n workspaces vs tar -xzOf (median of $runs, interleaved)"
printf '%-18s %8s %10s | %8s %8s %8s | %8s %8s %8s\n' bundle MB unpacked_MB "j1_s" "j2_s" tar_s \
  "j2/tar" "j1/j2" RSS_MB
printf '%-18s %8.1f %10.1f | %8s %8s %8s | %8.2f %8.2f %8s\n' "nightly-$n.tar.gz" \
  "$(awk -v b="$(stat -c %s "$ar")" 'BEGIN { print b / 1e6 }')" \
  "$(du -sb "$work/src" | awk '{ print $1 / 1e6 }')" "$t1" "$t2" "$tt" \
  "$(awk -v a="$t2" -v b="$tt" 'BEGIN { print a / b }')" \
  "$(awk -v a="$t1" -v b="$t2" 'BEGIN { print a / b }')" "$rss"
echo "target: j2/tar <= 2 (j2 is the default on this $(nproc)-core machine); j1/j2 is the speed-up"
