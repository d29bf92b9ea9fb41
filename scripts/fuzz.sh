#!/usr/bin/env bash
# fuzz.sh BUILD_DIR SECONDS [TARGET...] - run libFuzzer targets built in
# BUILD_DIR (all, or the named ones: "expr" or "fuzz_expr") for SECONDS each.
# Each target starts from its committed seeds (tests/fuzz/seeds/NAME/); the
# whole-input readers (input, reports) also from fixtures/ and
# ../shared/corpus, each file prefixed with every kind byte (see
# tests/fuzz/fuzz_input.c). New inputs go to BUILD_DIR/fuzz-corpus/NAME/,
# never into the seeds; crashes to BUILD_DIR/crashes/.
set -euo pipefail
build=$1 secs=$2; shift 2
cd "$(dirname "$0")/.."
crashes=$build/crashes kinds=$build/fuzz-kinds
mkdir -p "$crashes" "$kinds"
if [ -z "$(ls -A "$kinds")" ]; then
  i=0
  while IFS= read -r -d '' f; do
    for k in 0 1 2 3 4; do i=$((i + 1)); { printf "\\x0$k"; cat "$f"; } > "$kinds/seed$i"; done
  done < <(find fixtures ../shared/corpus -type f -size -1M -print0 2>/dev/null)
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for bin in "$build"/tests/fuzz_*; do
    [[ "$bin" == *_replay ]] || targets+=("$(basename "$bin")")
  done
fi
status=0
for t in "${targets[@]}"; do
  name=${t#fuzz_} bin=$build/tests/fuzz_${t#fuzz_}
  [ -x "$bin" ] || { echo "fuzz.sh: no target $bin" >&2; exit 2; }
  work=$build/fuzz-corpus/$name
  mkdir -p "$work"
  dirs=("$work" "tests/fuzz/seeds/$name")
  case $name in input | reports) dirs+=("$kinds") ;; esac
  echo "fuzzing fuzz_$name for ${secs}s"
  "$bin" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$crashes/$name-" "${dirs[@]}" >"$build/fuzz-$name.log" 2>&1 || status=1
  grep -E '^#[0-9]+[[:space:]]+DONE|ERROR|SUMMARY|fuzz check failed' "$build/fuzz-$name.log" || true
done
if compgen -G "$crashes/*" >/dev/null; then echo "crashes in $crashes"; exit 1; fi
exit $status
