#!/usr/bin/env bash
# Install the S3 test server (s3rver, pinned by tests/net/s3/package-lock.json)
# into tests/net/s3/node_modules, once. Run by `make deps` and by the S3
# tests themselves; safe to run concurrently (a lock). Exit 77 when node is
# absent, so a test that needs the server skips instead of failing.
set -euo pipefail
dir=$(cd "$(dirname "$0")/../tests/net/s3" && pwd)
command -v node >/dev/null || { echo "node is missing: apt-get install nodejs" >&2; exit 77; }
if ! command -v npm >/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null
  else
    echo "npm is missing: apt-get install npm" >&2; exit 77
  fi
fi
exec 9>"$dir/.install.lock"
flock -w 600 9
stamp=$dir/node_modules/.tfaudit-lock.sha256
want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
[[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && exit 0
npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >&2
echo "$want" > "$stamp"
