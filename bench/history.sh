#!/usr/bin/env bash
# bench/history.sh BUILD_DIR WORKDIR - the nightly audit's cost as the
# ledger's history grows: an audit of 2,000 workspaces (WORKSPACES) on
# night 1 (a fresh ledger) against the same audit on night 60 (NIGHTS: a
# ledger holding 59 earlier audits, ~120,000 records), median of RUNS
# (default 5), interleaved, and night 2 (one audit before it: the previous
# audit is compared as on night 60). Target: night 60 within 10% of night 1, so a
# year of nights costs no more per night than the first. The history
# ledger is built once and kept as it is: every timed night 60 runs on a
# fresh copy of it (the copy is made by an untimed command before it), so
# night 60 is night 60 however often the bench has run.
set -euo pipefail
build=$(cd "${1:?usage: history.sh BUILD_DIR WORKDIR}" && pwd)
work=${2:?usage: history.sh BUILD_DIR WORKDIR}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
runs=${RUNS:-5}
n=${WORKSPACES:-2000}
nights=${NIGHTS:-60}
tfaudit=$build/auditor/tfaudit
benchrun=$build/bench/benchrun
[ -x "$tfaudit" ] && [ -x "$benchrun" ] || { echo "bench: build first" >&2; exit 2; }
mkdir -p "$work/history"
work=$(cd "$work/history" && pwd)
runs_dir=$work/ws-$n
cl=$src/checklists/nightly-drift.md

if [ ! -d "$runs_dir" ]; then # every workspace holds the same small plan (links)
  mkdir -p "$runs_dir.tmp"
  for i in $(seq -w 1 "$n"); do
    mkdir "$runs_dir.tmp/ws-$i"
    ln "$src/fixtures/verify/plan.json" "$runs_dir.tmp/ws-$i/plan.json" 2>/dev/null ||
      cp "$src/fixtures/verify/plan.json" "$runs_dir.tmp/ws-$i/plan.json"
  done
  mv "$runs_dir.tmp" "$runs_dir"
fi

hist=$work/history-$n-s4p16.db # schema 4 (audits carry their summaries, audit objects indexed), 16 KiB pages
if [ ! -s "$hist.done" ]; then
  echo "bench: building $((nights - 1)) nights of history for $n workspaces (once)..." >&2
  rm -f "$hist" "$hist"-*
  for d in $(seq 1 $((nights - 1))); do
    "$tfaudit" audit --ledger "$hist" -j 2 --now "$(date -u -d "2026-01-01 +$d days" +%Y-%m-%d)T02:00:00Z" \
      -c "$cl" "$runs_dir" >/dev/null 2>&1 || [ $? -eq 1 ] || { echo "bench: audit failed" >&2; exit 1; }
  done
  echo done >"$hist.done"
fi

night() { # night LEDGER: the audit command on night 60 (or 1 on a fresh ledger)
  echo "$tfaudit audit --ledger $1 -j 2 --now 2026-03-01T02:00:00Z -c $cl $runs_dir >/dev/null 2>&1; [ \$? -le 1 ]"
}
out=$work/times.txt
# night 2: one audit before it, so the comparison with a previous audit (which
# night 1 has not) is in both; night 60 / night 2 is what history adds
one=$work/one-night-s4p16.db
if [ ! -s "$one" ]; then
  rm -f "$one"*
  "$tfaudit" audit --ledger "$one" -j 2 --now 2026-02-28T02:00:00Z -c "$cl" "$runs_dir" >/dev/null 2>&1 || true
  sqlite3 "$one" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
fi
# benchrun runs the commands in this order each round: the copy of the
# history (prep, its time unused) just before the night timed on it, synced
# (else the night's own fsync would write the whole copy out)
"$benchrun" -n "$runs" "night1=rm -f $work/fresh.db*; $(night "$work/fresh.db")" \
  "night2=rm -f $work/two.db*; cp $one $work/two.db; $(night "$work/two.db")" \
  "prep$nights=rm -f $work/sixty.db*; cp $hist $work/sixty.db; sync $work/sixty.db" \
  "night$nights=$(night "$work/sixty.db")" >"$out"
t1=$(awk '$1 == "night1" { print $2 }' "$out")
t2=$(awk '$1 == "night2" { print $2 }' "$out")
tn=$(awk -v l="night$nights" '$1 == l { print $2 }' "$out")
records=$(sqlite3 "$hist" 'SELECT count(*) FROM records' 2>/dev/null || echo '?')
mb=$(du -m "$hist" | cut -f1)
r=$(awk -v a="$tn" -v b="$t1" 'BEGIN { printf "%.2f", a / b }')
verdict=$(awk -v r="$r" 'BEGIN { print (r <= 1.10) ? "PASS" : "FAIL" }')
r2=$(awk -v a="$tn" -v b="$t2" 'BEGIN { printf "%.2f", a / b }')
echo "== audit cost against history: $n workspaces, night 1 vs night $nights (median of $runs, interleaved)"
printf '%-10s %10s %10s | %8s %8s %8s | %8s %-13s | %s\n' workspaces records ledger_MB night1_s night2_s "night${nights}_s" ratio target "night${nights}/night2"
printf '%-10s %10s %10s | %8s %8s %8s | %8s %-13s | %s\n' "$n" "$records" "$mb" "$t1" "$t2" "$tn" "$r" "<= 1.10 $verdict" "$r2"

# The same two nights on the PostgreSQL backend: the history copied into a
# throwaway PostgreSQL 15 cluster (ledger copy), night 1 on a fresh database.
state=$work/pg
if [ "${HISTORY_PG:-1}" = 1 ] && sh "$src/tests/support/pg_cluster.sh" start "$state" >/dev/null; then
  trap 'sh "$src/tests/support/pg_cluster.sh" stop "$state" >/dev/null 2>&1 || true' EXIT
  . "$state/env"
  psql -q "$TFA_PG_URL" -c "CREATE DATABASE history"
  echo "bench: copying the history into PostgreSQL..." >&2
  "$tfaudit" ledger copy "$hist" "$TFA_PG_BASE/history" >/dev/null
  psql -q "$TFA_PG_URL" -c "CREATE DATABASE one"
  "$tfaudit" ledger copy "$one" "$TFA_PG_BASE/one" >/dev/null
  fresh="psql -q '$TFA_PG_URL' -c 'DROP DATABASE IF EXISTS fresh' -c 'CREATE DATABASE fresh' 2>/dev/null"
  two="psql -q '$TFA_PG_URL' -c 'DROP DATABASE IF EXISTS two' -c 'CREATE DATABASE two TEMPLATE one' 2>/dev/null"
  # creating the databases is timed alone and taken off (CREATE DATABASE
  # syncs to disk: it would weigh on nights 1 and 2 only)
  # night 60 runs on the copy of the history made above, so the nights a
  # bench run adds (RUNS + 1) are the only drift; a TEMPLATE copy per run
  # left a gigabyte of writeback that slowed the next round's night 1
  "$benchrun" -n "$runs" "night1=$fresh; $(night "$TFA_PG_BASE/fresh")" "prep1=$fresh" \
    "night2=$two; $(night "$TFA_PG_BASE/two")" "prep2=$two" \
    "night$nights=$(night "$TFA_PG_BASE/history")" >"$out"
  t1=$(awk '$1 == "night1" { n = $2 } $1 == "prep1" { p = $2 } END { printf "%.3f", n - p }' "$out")
  t2=$(awk '$1 == "night2" { n = $2 } $1 == "prep2" { p = $2 } END { printf "%.3f", n - p }' "$out")
  tn=$(awk -v l="night$nights" '$1 == l { print $2 }' "$out")
  r=$(awk -v a="$tn" -v b="$t1" 'BEGIN { printf "%.2f", a / b }')
  r2=$(awk -v a="$tn" -v b="$t2" 'BEGIN { printf "%.2f", a / b }')
  verdict=$(awk -v r="$r" 'BEGIN { print (r <= 1.10) ? "PASS" : "FAIL" }')
  printf '%-10s %10s %10s | %8s %8s %8s | %8s %-13s | %s\n' "$n (PG)" "$records" "-" "$t1" "$t2" "$tn" "$r" "<= 1.10 $verdict" "$r2"
fi
