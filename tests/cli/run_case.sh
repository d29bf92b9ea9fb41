#!/usr/bin/env bash
# run_case.sh TFAUDIT CASE_DIR - run one data-driven CLI case (STYLE.md rule 23).
#
# A case directory holds:
#   cmd      the arguments, one shell line; $CORPUS (../shared/corpus),
#            $FIXTURES (fixtures) and $TMP (a fresh temp dir) expand
#   stdin    optional standard input
#   stdout   optional expected standard output (exact)
#   stderr   optional expected standard error (exact)
#   stdout-has  optional lines that must each occur in standard output
#            (fixed strings; for output that others' changes would make
#            brittle to compare whole, such as --help)
#   status   expected exit status (default 0)
#   setup    optional shell script run first in $TMP (builds inputs; $SRC is
#            the source tree root)
# Runs from the source tree root. A case using $CORPUS is skipped (77) when
# ../shared/corpus is absent. With BLESS=1 the expected stdout, stderr and
# status files are (re)written from this run instead of compared.
set -u
bin=$1 case=$(cd "$2" && pwd)
export CORPUS=../shared/corpus FIXTURES=fixtures
TMP=$(mktemp -d); export TMP
trap 'rm -rf "$TMP"' EXIT
if grep -q 'CORPUS' "$case/cmd" && [ ! -d "$CORPUS" ]; then
  echo "skipped: $CORPUS is absent"; exit 77
fi
SRC=$(pwd); export SRC
if [ -f "$case/setup" ]; then
  (cd "$TMP" && bash "$case/setup") || { echo "setup failed"; exit 1; }
fi
stdin=/dev/null
[ -f "$case/stdin" ] && stdin=$case/stdin
eval "set -- $(cat "$case/cmd")"
"$bin" "$@" <"$stdin" >"$TMP/.out" 2>"$TMP/.err"
status=$?
# the temp dir differs per run: expected files spell it $TMP
sed -i "s|$TMP|\$TMP|g" "$TMP/.out" "$TMP/.err"
if [ "${BLESS:-0}" = 1 ]; then
  echo "$status" > "$case/status"
  cp "$TMP/.out" "$case/stdout"; cp "$TMP/.err" "$case/stderr"
  [ -s "$case/stdout" ] || rm -f "$case/stdout"
  echo "blessed: status $status"; exit 0
fi
want=$(cat "$case/status" 2>/dev/null || echo 0)
fail=0
if [ "$status" != "$want" ]; then
  echo "exit status $status, expected $want"; fail=1
fi
for stream in stdout stderr; do
  [ -f "$case/$stream" ] || continue
  got=$TMP/.out; [ $stream = stderr ] && got=$TMP/.err
  if ! diff -u "$case/$stream" "$got"; then echo "($stream differs)"; fail=1; fi
done
if [ -f "$case/stdout-has" ]; then
  while IFS= read -r line; do
    grep -qF -- "$line" "$TMP/.out" || { echo "stdout lacks: $line"; fail=1; }
  done < "$case/stdout-has"
fi
if [ $fail -ne 0 ]; then
  echo "--- stderr was:"; cat "$TMP/.err"
fi
exit $fail
