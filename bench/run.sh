#!/usr/bin/env bash
# make bench: performance figures, each against a baseline run in the same
# command (medians of interleaved runs; machines are noisy, so read ratios).
#
#   bench/run.sh BUILD_DIR [SECTION...]     sections: plan readers archive audit s3 serve ledger
#                                           detect history (default: all but s3)
#
#   readers: the plan reader against a simdjson On Demand program and the
#          text log reader against grep over a 1 GiB CI log, with scale
#          curves (readers.sh; targets tfa/simdjson <= 1.0 at <= 64 MB,
#          logs >= 1 GB/s and within 2x of grep)
#   audit: one bundle against tar (audit.sh), then -j 1 vs -j 2 over 500
#          workspaces from a directory and an S3 prefix, with a scale curve
#          (audit_j.sh; target j1/j2 >= 1.7)
#   s3:    tfaudit archive of 100 MiB against curl -T and curl's multipart
#          upload of the same parts, and reading it back (s3.sh; target
#          within 1.5x of curl -T)
#
# Inputs are generated under $BENCH_DIR (default BUILD_DIR/bench) and kept
# between runs. RUNS (default 5) sets the repetitions.
set -euo pipefail
build=$(cd "${1:-build}" && pwd); shift || true
here=$(cd "$(dirname "$0")" && pwd)
shared=$(cd "$here/../.." && pwd)/shared
work=${BENCH_DIR:-$build/bench}
runs=${RUNS:-5}
tfaudit=$build/auditor/tfaudit
benchrun=$build/bench/benchrun
mkdir -p "$work"
[ -d "$shared/tools" ] || { echo "bench: $shared/tools is absent (../shared beside the project)" >&2; exit 2; }
sections=("$@"); [ ${#sections[@]} -eq 0 ] && sections=(plan readers archive audit serve ledger detect history)

# ratio A B -> A/B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
field() { awk -v l="$1" -v f="$2" '$1 == l { print $f }' "$3"; }

bench_plan() {
  local n f out
  cc -O2 -o "$work/scan-floor" "$shared/tools/scan-floor.c"
  echo "== plan reader: tfaudit summarize vs bare scan floor vs jq (median of $runs, interleaved)"
  printf '%-6s %9s | %9s %8s | %9s %8s | %9s %8s | %8s %8s\n' plan MB tfaudit RSS_MB floor RSS_MB jq RSS_MB "jq/tfa" "tfa/flr"
  for n in 20000 100000; do
    f=$work/plan-$n.json
    [ -s "$f" ] || python3 "$shared/tools/genplan.py" "$n" --drift 100 > "$f"
    out=$work/plan-$n.txt
    "$benchrun" -n "$runs" \
      "tfaudit=$tfaudit summarize $f >/dev/null" \
      "floor=$work/scan-floor $f >/dev/null" \
      "jq=jq '[.resource_changes[].change.actions[0]] | group_by(.) | map({(.[0]): length}) | add' $f >/dev/null" > "$out"
    printf '%-6s %9s | %9s %8s | %9s %8s | %9s %8s | %8s %8s\n' "${n}" \
      "$(awk -v b="$(stat -L -c %s "$f")" 'BEGIN { printf "%.0f", b / 1e6 }')" \
      "$(field tfaudit 2 "$out")" "$(mb "$(field tfaudit 4 "$out")")" \
      "$(field floor 2 "$out")" "$(mb "$(field floor 4 "$out")")" \
      "$(field jq 2 "$out")" "$(mb "$(field jq 4 "$out")")" \
      "$(ratio "$(field jq 2 "$out")" "$(field tfaudit 2 "$out")")" \
      "$(ratio "$(field tfaudit 2 "$out")" "$(field floor 2 "$out")")"
  done
  echo "scaling 20k -> 100k: tfaudit $(ratio "$(field tfaudit 2 "$work/plan-100000.txt")" "$(field tfaudit 2 "$work/plan-20000.txt")")x time for $(ratio "$(stat -L -c %s "$work/plan-100000.json")" "$(stat -L -c %s "$work/plan-20000.json")")x bytes"
  echo "targets (100k): jq/tfa >= 15, tfa/flr <= 2, RSS <= 64 MB"
}

for s in "${sections[@]}"; do
  case "$s" in
    plan) bench_plan ;;
    archive) if [ -x "$here/archive.sh" ]; then "$here/archive.sh" "$build" "$work"; fi ;;
    audit) "$here/audit.sh" "$build" "$work" && "$here/audit_j.sh" "$build" "$work" ;;
    ledger) "$here/ledger.sh" "$build" "$work" ;;
    *) if [ -x "$here/$s.sh" ]; then "$here/$s.sh" "$build" "$work"; else echo "bench: unknown section $s" >&2; exit 2; fi ;;
  esac
done
