#!/usr/bin/env bash
# run_case.sh TFAUDIT CASE_DIR - run one data-driven CLI case (STYLE.md rule 23).
#
# A case directory holds:
#   cmd      the arguments, one shell line; $CORPUS (../shared/corpus),
#            $FIXTURES (fixtures) and $TMP (a fresh temp dir) expand
#   stdin    optional standard input
#   stdout   optional expected standard output (exact; the text $TMP stands
#            for the temp dir, since paths under it differ per run)
#   stderr   optional expected standard error (exact; $TMP as for stdout)
#   status   expected exit status (default 0)
#   setup    optional shell script run first in $TMP (builds inputs; $SRCDIR
#            is the source tree root, since $FIXTURES is relative to it)
# Runs from the source tree root. A case using $CORPUS is skipped (77) when
# ../shared/corpus is absent.
set -u
bin=$1 case=$2
export CORPUS=../shared/corpus FIXTURES=fixtures SRCDIR=$PWD
TMP=$(mktemp -d); export TMP
trap 'rm -rf "$TMP"' EXIT
if grep -q 'CORPUS' "$case/cmd" && [ ! -d "$CORPUS" ]; then
  echo "skipped: $CORPUS is absent"; exit 77
fi
if [ -f "$case/setup" ]; then
  (cd "$TMP" && bash "$case/setup") || { echo "setup failed"; exit 1; }
fi
stdin=/dev/null
[ -f "$case/stdin" ] && stdin=$case/stdin
eval "set -- $(cat "$case/cmd")"
"$bin" "$@" <"$stdin" >"$TMP/.out" 2>"$TMP/.err"
status=$?
want=$(cat "$case/status" 2>/dev/null || echo 0)
fail=0
if [ "$status" != "$want" ]; then
  echo "exit status $status, expected $want"; fail=1
fi
for stream in stdout stderr; do
  [ -f "$case/$stream" ] || continue
  got=$TMP/.out; [ $stream = stderr ] && got=$TMP/.err
  sed "s|$TMP|\$TMP|g" "$got" >"$got.cmp"
  if ! diff -u "$case/$stream" "$got.cmp"; then echo "($stream differs)"; fail=1; fi
done
if [ $fail -ne 0 ]; then
  echo "--- stderr was:"; cat "$TMP/.err"
fi
exit $fail
