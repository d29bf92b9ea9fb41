#!/usr/bin/env bash
# demo.sh TFAUDIT - `make demo`: an apply window of the telemetry stack, gated
# with the bundled checklist on bundled fixtures.
#   1. before the window: a clean Grafana-only plan, signed off -> GO
#   2. before the window: a plan that destroys, not signed off   -> NO-GO
#   3. after the apply: the apply did what the approved plan said -> GO
#   4. after another apply that deleted less than planned        -> NO-GO
# Verdicts go to a demo ledger under build/, each record signed with a demo
# operator key and its head anchored in a file; leadership signs off with its
# own key (a token bound to the plan). At the end the ledger is verified with
# the trusted keys and the anchors, then a forged copy (NO-GO rewritten to GO,
# hashes recomputed) and a truncated copy are shown to fail.
# The demo exits 0 when every verdict comes out as expected.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/auditor/tfaudit}
checklist=checklists/telemetry-apply.md
demo=$(dirname "$(dirname "$bin")")/demo
ledger=$demo/ledger.db
rm -rf "$demo"
mkdir -p "$demo"
export TFAUDIT_LEDGER=$ledger
# Keys: the operator's (signs records and anchors) and leadership's (signs off).
"$bin" key generate --out "$demo/operator.pem" --comment "demo operator" >"$demo/trusted-keys" 2>/dev/null
"$bin" key generate --out "$demo/dana.pem" --comment "Dana Reyes" 2>/dev/null |
  sed 's/^/leadership /' >"$demo/allowed-signers"
export TFAUDIT_SIGNING_KEY=$demo/operator.pem
anchors=$demo/anchors.jsonl
# A fixed evaluation time, so the demo prints the same thing every day.
export TFAUDIT_NOW=2026-11-27T21:30:00Z

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold= plain=; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; }
fail=0
expect() { # expect STATUS GOT WHAT
  echo "(exit status $2: $3)"
  [ "$1" -eq "$2" ] || { echo "demo: expected exit status $1, got $2" >&2; fail=1; }
}

step tfaudit sign-off --key dana.pem --role leadership --note CHG-1042 fixtures/plans/grafana-clean.json
token=$("$bin" sign-off --key "$demo/dana.pem" --role leadership --note CHG-1042 \
  fixtures/plans/grafana-clean.json)
echo "${token:0:60}..."

step tfaudit gate --checklist $checklist --section "Before apply" --workspace telemetry-prod \
  --allowed-signers allowed-signers --sign-off TOKEN --anchor-to anchors.jsonl \
  fixtures/plans/grafana-clean.json
"$bin" gate --checklist $checklist --section "Before apply" --workspace telemetry-prod \
  --allowed-signers "$demo/allowed-signers" --sign-off "$token" --anchor-to "$anchors" \
  fixtures/plans/grafana-clean.json
expect 0 $? GO

step tfaudit gate --checklist $checklist --section "Before apply" --workspace telemetry-prod \
  --allowed-signers allowed-signers --sign-off TOKEN --anchor-to anchors.jsonl \
  fixtures/plans/grafana-destroy.json "   (the token is for another plan)"
"$bin" gate --checklist $checklist --section "Before apply" --workspace telemetry-prod \
  --allowed-signers "$demo/allowed-signers" --sign-off "$token" --anchor-to "$anchors" \
  fixtures/plans/grafana-destroy.json
expect 1 $? NO-GO

pin=$("$bin" pin fixtures/verify/plan.json | awk 'NR == 1 { print $1 }')
step tfaudit gate --checklist $checklist --section "After apply" --workspace telemetry-prod \
  --anchor-to anchors.jsonl --approved "$pin" fixtures/verify/plan.json fixtures/verify/apply-clean.log
"$bin" gate --checklist $checklist --section "After apply" --workspace telemetry-prod \
  --anchor-to "$anchors" --approved "$pin" fixtures/verify/plan.json fixtures/verify/apply-clean.log
expect 0 $? GO

step tfaudit gate --checklist $checklist --section "After apply" --workspace telemetry-prod \
  --anchor-to anchors.jsonl --approved "$pin" fixtures/verify/plan.json fixtures/verify/apply-mismatch.log
"$bin" gate --checklist $checklist --section "After apply" --workspace telemetry-prod \
  --anchor-to "$anchors" --approved "$pin" fixtures/verify/plan.json fixtures/verify/apply-mismatch.log
expect 1 $? NO-GO

step tfaudit ledger list
"$bin" ledger list
step tfaudit ledger verify --trusted-keys trusted-keys --anchor anchors.jsonl
"$bin" ledger verify --trusted-keys "$demo/trusted-keys" --anchor "$anchors"
expect 0 $? "chain, signatures and anchors valid"

# An insider rewrites record 2 (NO-GO) as GO and recomputes every hash and the
# chain head: the chain alone is fooled, the signatures are not.
if command -v python3 >/dev/null; then
  cp "$ledger" "$demo/forged.db"
  python3 - "$demo/forged.db" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
old = new = None
for seq, body, h in db.execute("SELECT seq, body, hash FROM records ORDER BY seq").fetchall():
    if seq < 2:
        continue
    body = body.replace('"verdict":"NO-GO"', '"verdict":"GO"', 1) if seq == 2 else body.replace(old, new)
    old, new = h, hashlib.sha256(body.encode()).hexdigest()
    db.execute("UPDATE records SET body = ?, hash = ?, verdict = json_extract(?, '$.verdict'),"
               " prev_hash = json_extract(?, '$.prev') WHERE seq = ?", (body, new, body, body, seq))
db.execute("UPDATE chain_head SET hash = ?", (new,))
db.commit()
PY
  step tfaudit ledger verify --ledger forged.db "   (NO-GO rewritten as GO, hashes recomputed)"
  "$bin" ledger verify --ledger "$demo/forged.db"
  expect 0 $? "the chain alone is fooled"
  step tfaudit ledger verify --ledger forged.db --trusted-keys trusted-keys
  "$bin" ledger verify --ledger "$demo/forged.db" --trusted-keys "$demo/trusted-keys"
  expect 1 $? "forgery caught by the signatures"
fi

# The newest records cut off and the chain head moved back: only the anchors know.
cp "$ledger" "$demo/truncated.db"
sqlite3 "$demo/truncated.db" "DELETE FROM records WHERE seq > 2;
  UPDATE chain_head SET seq = 2, hash = (SELECT hash FROM records WHERE seq = 2)"
step tfaudit ledger verify --ledger truncated.db --trusted-keys trusted-keys --anchor anchors.jsonl
"$bin" ledger verify --ledger "$demo/truncated.db" --trusted-keys "$demo/trusted-keys" --anchor "$anchors"
expect 1 $? "truncation caught by the anchors"
exit $fail
