#!/usr/bin/env bash
# fill.sh - a five-record ledger at $TMP/ledger.db for the ledger-* CLI
# cases, from the static records in fixtures/ledger (made by
# make-record.sh from a real summarize of plan-canary.json).
#   1 prod GO, 2 staging NO-GO, 3 prod NO-GO, 4 staging GO, 5 prod GO
set -euo pipefail
cd "$TFA_SOURCE_DIR"
add() {
  "$TFA_BINARY" ledger append --ledger "$TMP/ledger.db" --record "fixtures/ledger/record-$1.json" \
    --verdict "$2" --workspace "$3" --operator "$4" --time "$5" --tool-version 0.1.0 \
    ${6:+--window "$6"} >/dev/null
}
add go GO prod alice 2025-03-01T10:00:00Z "2025-03-01 10:00-12:00"
add no-go NO-GO staging bob 2025-03-01T11:00:00Z
add no-go NO-GO prod alice 2025-03-02T10:00:00Z "2025-03-02 10:00-12:00"
add go GO staging bob 2025-03-02T11:00:00Z
add go GO prod carol 2025-03-03T10:00:00Z "2025-03-03 10:00-12:00"
