#!/usr/bin/env bash
# start.sh DIR - start the S3 test server (server.js, s3rver) and the
# checking fault proxy in front of it (fault_proxy.py), both on 127.0.0.1,
# both gone by themselves after LIFETIME seconds (default 600).
# Writes DIR/s3.port (s3rver), DIR/proxy.port, DIR/pids; the request log of
# the proxy is DIR/requests.jsonl. Buckets: audit, bulk, big, faults.
# Exit 77 when node is not installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$1 lifetime=${LIFETIME:-600}
"$here/../../../scripts/s3-test-deps.sh"
mkdir -p "$dir/store"
# s3rver makes its continuation tokens with DES, which OpenSSL 3 keeps in
# its legacy provider
node --openssl-legacy-provider "$here/server.js" --dir "$dir/store" --port-file "$dir/s3.port" --lifetime "$lifetime" \
  --bucket audit --bucket bulk --bucket big --bucket faults >"$dir/server.log" 2>&1 &
echo $! > "$dir/pids"
for _ in $(seq 100); do [[ -s "$dir/s3.port" ]] && break; sleep 0.1; done
[[ -s "$dir/s3.port" ]] || { cat "$dir/server.log" >&2; exit 1; }
python3 "$here/fault_proxy.py" --upstream "$(cat "$dir/s3.port")" --port-file "$dir/proxy.port" \
  --log "$dir/requests.jsonl" --secret tfaudit-test-secret-0b7d --lifetime "$lifetime" \
  >"$dir/proxy.log" 2>&1 &
echo $! >> "$dir/pids"
for _ in $(seq 100); do [[ -s "$dir/proxy.port" ]] && break; sleep 0.1; done
[[ -s "$dir/proxy.port" ]] || { cat "$dir/proxy.log" >&2; exit 1; }
