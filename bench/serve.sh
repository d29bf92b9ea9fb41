#!/usr/bin/env bash
# bench/serve.sh BUILD_DIR WORKDIR - `tfaudit serve --run-task` under load:
# run tasks per second and request-to-callback latency (p50, p99) for a
# 10 MB plan at 1, 8 and 64 concurrent runs, with the server's peak RSS;
# the peer is curl fetching the same plan from the same server.
set -euo pipefail
build=$(cd "${1:?usage: bench/serve.sh BUILD_DIR WORKDIR}" && pwd)
work=${2:?usage: bench/serve.sh BUILD_DIR WORKDIR}
here=$(cd "$(dirname "$0")" && pwd)
shared=$(cd "$here/../.." && pwd)/shared
mkdir -p "$work"
plan=$work/plan-2500.json
[ -s "$plan" ] || python3 "$shared/tools/genplan.py" 2500 --drift 10 > "$plan"
python3 "$here/runtask_load.py" "$build/auditor/tfaudit" "$plan" \
  "$here/../fixtures/checklists/run-task.md" ${LEVELS:-1 8 64}
