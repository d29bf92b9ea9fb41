#!/usr/bin/env bash
# demo.sh TFAUDIT - `make demo`: an apply window of the telemetry stack, gated
# with the bundled checklist on bundled fixtures.
#   1. before the window: a clean Grafana-only plan, signed off -> GO
#   2. before the window: a plan that destroys, not signed off   -> NO-GO
#   3. after the apply: the apply did what the approved plan said -> GO
#   4. after another apply that deleted less than planned        -> NO-GO
# Verdicts go to a demo ledger under build/, which is verified at the end.
# The demo exits 0 when every verdict comes out as expected.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/auditor/tfaudit}
checklist=checklists/telemetry-apply.md
ledger=$(dirname "$(dirname "$bin")")/demo/ledger.db
rm -f "$ledger" "$ledger-wal" "$ledger-shm"
export TFAUDIT_LEDGER=$ledger
# A fixed evaluation time, so the demo prints the same thing every day.
export TFAUDIT_NOW=2026-11-27T21:30:00Z

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold= plain=; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; }
fail=0
expect() { # expect STATUS GOT WHAT
  echo "(exit status $2: $3)"
  [ "$1" -eq "$2" ] || { echo "demo: expected exit status $1, got $2" >&2; fail=1; }
}

step tfaudit gate --checklist $checklist --section "Before apply" --workspace telemetry-prod \
  --sign-off "leadership=Dana Reyes:CHG-1042" fixtures/plans/grafana-clean.json
"$bin" gate --checklist $checklist --section "Before apply" --workspace telemetry-prod \
  --sign-off "leadership=Dana Reyes:CHG-1042" fixtures/plans/grafana-clean.json
expect 0 $? GO

step tfaudit gate --checklist $checklist --section "Before apply" --workspace telemetry-prod \
  fixtures/plans/grafana-destroy.json
"$bin" gate --checklist $checklist --section "Before apply" --workspace telemetry-prod \
  fixtures/plans/grafana-destroy.json
expect 1 $? NO-GO

pin=$("$bin" pin fixtures/verify/plan.json | awk 'NR == 1 { print $1 }')
step tfaudit gate --checklist $checklist --section "After apply" --workspace telemetry-prod \
  --approved "$pin" fixtures/verify/plan.json fixtures/verify/apply-clean.log
"$bin" gate --checklist $checklist --section "After apply" --workspace telemetry-prod \
  --approved "$pin" fixtures/verify/plan.json fixtures/verify/apply-clean.log
expect 0 $? GO

step tfaudit gate --checklist $checklist --section "After apply" --workspace telemetry-prod \
  --approved "$pin" fixtures/verify/plan.json fixtures/verify/apply-mismatch.log
"$bin" gate --checklist $checklist --section "After apply" --workspace telemetry-prod \
  --approved "$pin" fixtures/verify/plan.json fixtures/verify/apply-mismatch.log
expect 1 $? NO-GO

step tfaudit ledger list
"$bin" ledger list
step tfaudit ledger verify
"$bin" ledger verify
expect 0 $? "chain valid"
exit $fail
