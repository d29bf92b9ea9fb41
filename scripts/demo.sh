#!/usr/bin/env bash
# demo.sh TFAUDIT - `make demo`: gate the bundled telemetry apply checklist on
# the bundled plan fixtures. First a GO (a clean Grafana-only plan, signed off
# by leadership), then a NO-GO (a plan that destroys, not signed off) with its
# reasons. The demo itself exits 0 when both verdicts come out as expected.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/auditor/tfaudit}
checklist=checklists/telemetry-apply.md
# A fixed evaluation time, so the demo prints the same thing every day.
now=2025-06-02T08:00:00Z

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold= plain=; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$1" "$plain"; }

step "tfaudit gate --checklist $checklist --section \"Before apply\" --sign-off \"leadership=Dana Reyes:CHG-1042 approved\" fixtures/plans/grafana-clean.json"
"$bin" gate --checklist $checklist --section "Before apply" --now $now \
  --sign-off "leadership=Dana Reyes:CHG-1042 approved" fixtures/plans/grafana-clean.json
go=$?
echo "(exit status $go: GO)"

step "tfaudit gate --checklist $checklist --section \"Before apply\" fixtures/plans/grafana-destroy.json"
"$bin" gate --checklist $checklist --section "Before apply" --now $now \
  fixtures/plans/grafana-destroy.json
nogo=$?
echo "(exit status $nogo: NO-GO)"

if [ "$go" -ne 0 ] || [ "$nogo" -ne 1 ]; then
  echo "demo: expected exit statuses 0 then 1, got $go then $nogo" >&2
  exit 1
fi
