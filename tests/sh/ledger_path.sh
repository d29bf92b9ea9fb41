#!/usr/bin/env bash
# ledger_path.sh TFAUDIT - the default ledger lives outside the working tree:
# $XDG_STATE_HOME/tfaudit/ID/ledger.db, else $HOME/.local/state/..., ID the
# repository root's (or directory's) basename and a hash of its path; a gate
# with no --ledger writes there and leaves the working tree alone.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/work/infra/.git" "$T/work/infra/envs/prod" "$T/work/plain dir"
cd "$T/work/infra/envs/prod"
run "$TFAUDIT" ledger path
expect_status 0 "ledger path with an empty HOME"
case "$out" in
  "$HOME/.local/state/tfaudit/infra-"????????????"/ledger.db") ;;
  *) fail "ledger path under HOME: $out";;
esac
from_sub=$out
cd "$T/work/infra"
run "$TFAUDIT" ledger path
[ "$out" = "$from_sub" ] || fail "same repository, same ledger: $out vs $from_sub"

XDG_STATE_HOME=$T/state run "$TFAUDIT" ledger path
case "$out" in
  "$T/state/tfaudit/infra-"????????????"/ledger.db") ;;
  *) fail "ledger path under XDG_STATE_HOME: $out";;
esac
XDG_STATE_HOME=relative/state run "$TFAUDIT" ledger path
[ "$out" = "$from_sub" ] || fail "a relative XDG_STATE_HOME is ignored (XDG spec): $out"

cd "$T/work/plain dir"
run "$TFAUDIT" ledger path
case "$out" in
  "$HOME/.local/state/tfaudit/plain_dir-"????????????"/ledger.db") ;;
  *) fail "outside a repository, the directory names it: $out";;
esac

run "$TFAUDIT" ledger path --ledger /x/l.db
[ "$out" = /x/l.db ] || fail "--ledger wins: $out"
TFAUDIT_LEDGER=/y/l.db run "$TFAUDIT" ledger path
[ "$out" = /y/l.db ] || fail "TFAUDIT_LEDGER wins over the default: $out"

env -u HOME "$TFAUDIT" ledger path >"$T/.out" 2>"$T/.err"
status=$?; err=$(cat "$T/.err")
expect_status 2 "no HOME"
expect_err "^tfaudit: no place for the default ledger: HOME is unset" "no HOME"

# a gate without --ledger records there, not in the working tree
cd "$T/work/infra"
run "$TFAUDIT" gate --checklist "$SRC/checklists/telemetry-apply.md" --section "Before apply" \
  --sign-off "leadership=Dana Reyes:ok" --now 2025-06-02 "$SRC/fixtures/plans/grafana-clean.json"
expect_status 0 "gate with the default ledger"
[ -f "$from_sub" ] || fail "the default ledger was not written at $from_sub"
[ ! -e .tfaudit ] || fail "the gate wrote into the working tree"
run "$TFAUDIT" ledger verify
expect_status 0 "ledger verify finds the same default ledger"
finish
