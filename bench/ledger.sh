#!/usr/bin/env bash
# bench/ledger.sh BUILD_DIR WORKDIR - the ledger on both backends: append
# and verify rates of SQLite against PostgreSQL (a throwaway PostgreSQL 15
# cluster, tests/support/pg_cluster.sh, fsync on), one run each; 8
# processes appending at once to PostgreSQL, serialized by the advisory
# lock and by SERIALIZABLE transactions with retries; then a
# year-sized SQLite ledger (YEAR_RECORDS, default 1,000,000) generated and
# verified, with the time printed.
set -euo pipefail
build=$(cd "${1:?usage: ledger.sh BUILD_DIR WORKDIR}" && pwd)
work=${2:?usage: ledger.sh BUILD_DIR WORKDIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work/ledger"
work=$(cd "$work/ledger" && pwd)
state=$work/pg
trap 'sh "$here/../tests/support/pg_cluster.sh" stop "$state" >/dev/null 2>&1 || true' EXIT
pg=""
if sh "$here/../tests/support/pg_cluster.sh" start "$state" >/dev/null; then
  . "$state/env"
  psql -q "$TFA_PG_URL" -c "CREATE DATABASE bench_unsigned" -c "CREATE DATABASE bench_signed" \
    -c "CREATE DATABASE bench_lock" -c "CREATE DATABASE bench_serializable"
  pg=$TFA_PG_BASE
else
  echo "bench: no PostgreSQL cluster (make deps installs postgresql-15); SQLite only" >&2
fi
cd "$here/.."
"$build/bench/ledgerbench" "$work" "${LEDGER_RECORDS:-10000}" ${pg:+"$pg"}
[ -n "$pg" ] && "$build/bench/ledgercontend" "$pg/bench_lock" "$pg/bench_serializable" 8 200
"$build/bench/ledgerbench" --year "$work" "${YEAR_RECORDS:-1000000}"
rm -f "$work"/ledger-*.db*
