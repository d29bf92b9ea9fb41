#!/usr/bin/env bash
# fuzz.sh BUILD_DIR SECONDS - run every libFuzzer target built in BUILD_DIR,
# seeded from fixtures/, tests/fuzz/seeds/ and ../shared/corpus (each seed
# prefixed with every kind byte, see tests/fuzz/fuzz_input.c).
set -euo pipefail
build=$1 secs=$2
cd "$(dirname "$0")/.."
seeds=$build/fuzz-seeds; crashes=$build/crashes
mkdir -p "$seeds" "$crashes"
i=0
while IFS= read -r -d '' f; do
  for k in 0 1 2 3 4; do i=$((i + 1)); { printf "\\x0$k"; cat "$f"; } > "$seeds/seed$i"; done
done < <(find fixtures tests/fuzz/seeds ../shared/corpus -type f -size -1M -print0 2>/dev/null)
for bin in "$build"/tests/fuzz_*; do
  [[ "$bin" == *_replay ]] && continue
  echo "fuzzing $(basename "$bin") for ${secs}s"
  "$bin" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$crashes/" "$seeds" 2>&1 | grep -E '^#[0-9]+[[:space:]]+DONE|ERROR|SUMMARY' || true
done
if compgen -G "$crashes/*" >/dev/null; then echo "crashes in $crashes"; exit 1; fi
