#!/usr/bin/env bash
# trend.sh TFAUDIT - `tfaudit trend` over a real SQLite ledger that three
# nightly audits (`tfaudit audit`, fixture plans as workspaces) recorded in
# the temp dir: the text table and the JSON document (tfaudit.trend/1), one
# workspace, --since, --output and html; a ledger holding no audit; and the
# errors: a bad --since, an unknown workspace, a missing ledger (exit 2,
# nothing on stdout).
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || { echo "skipped: python3 reads the JSON"; exit 77; }
L=$T/ledger.db
clean=$SRC/fixtures/plans/grafana-clean.json drift=$SRC/fixtures/plans/grafana-drift.json
night() { # night N ALPHA_PLAN [BETA_PLAN]: workspaces of night N
  mkdir -p "$T/n$1/alpha"; cp "$2" "$T/n$1/alpha/plan.json"
  if [ -n "${3:-}" ]; then mkdir -p "$T/n$1/beta"; cp "$3" "$T/n$1/beta/plan.json"; fi
}
night 1 "$clean" "$clean"
night 2 "$drift" "$clean"
night 3 "$drift" # beta gone: missing
for n in 1 2 3; do
  run "$TFAUDIT" audit --checklist "$SRC/checklists/nightly-drift.md" --ledger "$L" \
    --now "2026-11-2${n}T02:00:00Z" --operator ops --format json "$T/n$n"
  [ "$status" = 0 ] || [ "$status" = 1 ] || fail "audit night $n: exit status $status ($err)"
done

# text: a header, one line per audit, oldest first
run "$TFAUDIT" trend --ledger "$L"
expect_status 0 "trend"
[ -z "$err" ] || fail "trend wrote to stderr: $err"
[ "$(printf '%s\n' "$out" | sed -n 1p)" = "tfaudit trend: 3 audits" ] || fail "trend title: $out"
expect_out '^time +audit +GO +NO-GO +missing +failing +drift +accepted +regress\. +longest streak$' "trend header"
[ "$(printf '%s\n' "$out" | grep -c '^2026-11-2[123]T02:00:00Z audit-2026')" = 3 ] ||
  fail "trend: not one line per audit: $out"
expect_out '^2026-11-21T02:00:00Z audit-20261121T020000Z-[0-9a-f]{8} +0 +2 +0 +2 +0 +0 +2  alpha/converged \(1\)$' "night 1"
expect_out '^2026-11-23T02:00:00Z audit-20261123T020000Z-[0-9a-f]{8} +0 +2 +1 ' "night 3: beta missing, and NO-GO"
[ "$(printf '%s\n' "$out" | grep -o '^2026-11-2[0-9]' | tr '\n' ' ')" = "2026-11-21 2026-11-22 2026-11-23 " ] ||
  fail "trend is not oldest first: $out"

# JSON: the same audits, as numbers
run "$TFAUDIT" trend --ledger "$L" --format json
expect_status 0 "trend --format json"
printf '%s' "$out" > "$T/trend.json"
python3 - "$T/trend.json" <<'PY' || fail "trend --format json: $(cat "$T/trend.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "tfaudit.trend/1" and d["workspace"] is None, d
a = d["audits"]
assert [x["time"] for x in a] == ["2026-11-21T02:00:00Z", "2026-11-22T02:00:00Z",
                                  "2026-11-23T02:00:00Z"], a
assert [(x["workspaces"], x["go"], x["nogo"], x["missing"]) for x in a] == \
    [(2, 0, 2, 0), (2, 0, 2, 0), (2, 0, 2, 1)], a
assert [x["drift"] for x in a] == [0, 2, 2], a
assert a[0]["regressions"] > 0 and a[1]["regressions"] > 0, a
assert a[2]["longest_streak"] == {"item": "alpha/converged", "audits": 3}, a
assert all(x["audit_id"].startswith("audit-2026112") for x in a), a
PY

# one workspace; --since cuts older audits; --output writes the file only
run "$TFAUDIT" trend --ledger "$L" --workspace alpha --format json
expect_status 0 "trend --workspace alpha"
printf '%s' "$out" > "$T/alpha.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["workspace"]=="alpha" and [x["workspaces"] for x in d["audits"]]==[1,1,1], d' "$T/alpha.json" ||
  fail "trend --workspace alpha: $out"
run "$TFAUDIT" trend --ledger "$L" --since 2026-11-22
expect_status 0 "trend --since"
[ "$(printf '%s\n' "$out" | sed -n 1p)" = "tfaudit trend: 2 audits" ] || fail "trend --since: $out"
printf '%s\n' "$out" | grep -q '^2026-11-21' && fail "trend --since kept an older audit"
run "$TFAUDIT" trend --ledger "$L" --since 2026-11-23T02:00:01Z --format json
expect_status 0 "trend --since after the last audit"
expect_out '"audits": \[\]' "trend --since after the last audit"
# the forms of --now everywhere (util/utc.h): an offset, a fraction, ' ' for T
for since in 2026-11-22T03:00:00+01:00 "2026-11-21 21:00:00-05:00" 2026-11-22T02:00:00.000Z; do
  run "$TFAUDIT" trend --ledger "$L" --since "$since"
  expect_status 0 "trend --since '$since'"
  [ "$(printf '%s\n' "$out" | sed -n 1p)" = "tfaudit trend: 2 audits" ] || fail "trend --since '$since': $out"
done
run "$TFAUDIT" trend --ledger "$L" --since 2026-11-22T02:00:01+00:00
[ "$(printf '%s\n' "$out" | sed -n 1p)" = "tfaudit trend: 1 audit" ] || fail "trend --since one second later: $out"
run "$TFAUDIT" trend --ledger "$L" --format html --output "$T/trend.html"
expect_status 0 "trend --output"
[ -z "$out" ] || fail "trend --output also wrote stdout"
grep -q '<html' "$T/trend.html" || fail "trend --format html wrote no HTML"

# a ledger with no audit (a gate's verdict only): an empty history, exit 0
run "$TFAUDIT" gate --ledger "$T/gates.db" --checklist "$SRC/checklists/nightly-drift.md" \
  --now 2026-11-20 "$clean"
[ -f "$T/gates.db" ] || fail "gate made no ledger ($err)"
run "$TFAUDIT" trend --ledger "$T/gates.db"
expect_status 0 "trend on a ledger without audits"
[ "$(printf '%s\n' "$out" | sed -n 1p)" = "tfaudit trend: 0 audits" ] || fail "empty trend: $out"
run "$TFAUDIT" trend --ledger "$T/gates.db" --format json
expect_out '"audits": \[\]' "empty trend json"

# errors: exit 2, one line naming the problem, nothing on stdout
for bad in yesterday 2026-13-01 2026-11-22T25:00:00Z ""; do
  run "$TFAUDIT" trend --ledger "$L" --since "$bad"
  expect_status 2 "trend --since '$bad'"
  expect_err "invalid --since '$bad'" "trend --since '$bad'"
  [ -z "$out" ] || fail "trend --since '$bad' printed: $out"
done
run "$TFAUDIT" trend --ledger "$L" --workspace nosuch
expect_status 2 "trend --workspace nosuch"
expect_err "no audit in the ledger has workspace 'nosuch'" "unknown workspace"
[ -z "$out" ] || fail "trend --workspace nosuch printed: $out"
run "$TFAUDIT" trend --ledger "$T/absent.db"
expect_status 2 "trend on a missing ledger"
expect_err "does not exist" "missing ledger"
[ -z "$out" ] || fail "trend on a missing ledger printed: $out"
[ ! -e "$T/absent.db" ] || fail "trend created the ledger it was to read"
finish
