#!/usr/bin/env bash
# bench/archive.sh BUILD_DIR WORKDIR - reading a CI bundle in memory.
#
# Builds WORKDIR/archive/runs-500.tar.gz: 500 runs, each a plan JSON from
# ../shared/tools/genplan.py (180 resources, 5 drifted), the `apply -json`
# log and the plain-text apply log of that plan (bench/genlogs.py), about
# 1 MB per run. Then times, in the same command:
#   tfaudit summarize ARCHIVE >/dev/null   (decompress + detect + read all)
#   tar -xzOf ARCHIVE >/dev/null           (decompress only: the floor)
# Median of RUNS (default 5) interleaved runs, with BUILD_DIR/bench/benchrun
# when it is built, else bash's `time`. Target: tfaudit <= 1.5x tar.
# Inputs are kept in WORKDIR between runs; RUNS_IN_ARCHIVE changes the size.
set -euo pipefail
build=$(cd "${1:?usage: archive.sh BUILD_DIR WORKDIR}" && pwd)
work=${2:?usage: archive.sh BUILD_DIR WORKDIR}
here=$(cd "$(dirname "$0")" && pwd)
shared=$(cd "$here/../.." && pwd)/shared
runs=${RUNS:-5}
n=${RUNS_IN_ARCHIVE:-500}
tfaudit=$build/auditor/tfaudit
benchrun=$build/bench/benchrun
[ -f "$shared/tools/genplan.py" ] || { echo "bench: $shared/tools is absent" >&2; exit 2; }
[ -x "$tfaudit" ] || { echo "bench: $tfaudit is not built" >&2; exit 2; }
mkdir -p "$work/archive"
work=$(cd "$work/archive" && pwd)
ar=$work/runs-$n.tar.gz

gen_run() { # gen_run I: one run directory
  local d
  d=$(printf '%s/src/runs/%04d' "$work" "$1")
  [ -s "$d/apply.log" ] && return 0
  mkdir -p "$d"
  python3 "$shared/tools/genplan.py" 180 --drift 5 --seed "$1" >"$d/plan.json"
  python3 "$here/genlogs.py" "$d/plan.json" "$d" --seed "$1"
}
export -f gen_run
export work shared here

if [ ! -s "$ar" ]; then
  echo "bench: generating $n runs in $work/src (once)..." >&2
  seq 1 "$n" | xargs -P "$(nproc)" -I{} bash -c 'gen_run {}'
  tar -czf "$ar.tmp" -C "$work/src" runs && mv "$ar.tmp" "$ar"
fi

# The bundle must read cleanly, or the timing means nothing.
if ! "$tfaudit" summarize "$ar" >"$work/summary.txt" 2>"$work/summary.err"; then
  echo "bench: tfaudit cannot read the bundle: $(head -1 "$work/summary.err")" >&2
  exit 1
fi

out=$work/times.txt
if [ -x "$benchrun" ]; then
  "$benchrun" -n "$runs" "tfaudit=$tfaudit summarize $ar >/dev/null" \
    "tar=tar -xzOf $ar >/dev/null" >"$out"
else
  : >"$work/t.tfaudit"
  : >"$work/t.tar"
  TIMEFORMAT=%R
  for _ in $(seq "$runs"); do # interleaved, like benchrun
    { time "$tfaudit" summarize "$ar" >/dev/null; } 2>>"$work/t.tfaudit"
    { time tar -xzOf "$ar" >/dev/null; } 2>>"$work/t.tar"
  done
  median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
  printf 'tfaudit %s\ntar %s\n' "$(median "$work/t.tfaudit")" "$(median "$work/t.tar")" >"$out"
fi
t_tfa=$(awk '$1 == "tfaudit" { print $2 }' "$out")
t_tar=$(awk '$1 == "tar" { print $2 }' "$out")
inputs=$(grep -c '^[^ ]' "$work/summary.txt")
echo "== archive: tfaudit summarize vs tar -xzOf (median of $runs, interleaved)"
printf '%-16s %8s %10s %6s | %10s %10s | %6s\n' bundle MB unpacked_MB inputs tfaudit_s tar_s ratio
printf '%-16s %8.1f %10.1f %6s | %10s %10s | %6.2f\n' "runs-$n.tar.gz" \
  "$(awk -v b="$(stat -c %s "$ar")" 'BEGIN { print b / 1e6 }')" \
  "$(du -sb "$work/src/runs" | awk '{ print $1 / 1e6 }')" "$inputs" "$t_tfa" "$t_tar" \
  "$(awk -v a="$t_tfa" -v b="$t_tar" 'BEGIN { print a / b }')"
echo "target: ratio <= 1.5"
