#!/usr/bin/env bash
# audit_html.sh TFAUDIT BUILD_DIR - the audit's HTML report in real headless
# Chromium (Debian's chromium package; skipped, 77, without it).
#
#  1. three nightly audits of generated workspaces, the last with --html;
#  2. --dump-dom: the rendered DOM has the verdict banner, the workspace
#     table and three inline <svg> charts;
#  3. screenshots at 1280 px and 390 px wide (audit-1280.png, audit-390.png,
#     with audit.html), kept as CI artifacts in $TFA_ARTIFACTS_DIR when it
#     is set; otherwise they go with the temp dir (a test writes nothing
#     into the checkout or the build tree);
#  4. no network request: Chromium's own NetLog (--log-net-log) lists every
#     URL request with its initiator. Requests the page makes carry the
#     page's origin ("null" for a file:// page); Chromium's background jobs
#     (update checks, time sync) say "not an origin". The report must cause
#     none; a control page without our CSP that embeds a remote image must
#     cause one, which proves the check can see a page's requests. Host
#     resolution is mapped to NOTFOUND so nothing leaves the machine either.
set -euo pipefail
bin=$1 build=$2
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "skipped: chromium is not installed"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
: "$build" # the build dir is not written
art=${TFA_ARTIFACTS_DIR:-$tmp/artifacts}; mkdir -p "$art"
# chromium's profile, caches and crash reports go to the temp dir too
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config XDG_CACHE_HOME=$tmp/home/.cache
mkdir -p "$HOME"
src=$(cd "$(dirname "$0")/../.." && pwd)

python3 - "$tmp" <<'PY'
import json, os, sys
out = sys.argv[1]
def plan(drift, soft):
    res = {"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs",
           "provider_name": "registry.terraform.io/hashicorp/aws"}
    val = {"bucket": "logs", "acl": "private", "tags": {"owner": "CANARY-7f3a9c1e-DO-NOT-LEAK"}}
    ch = lambda a, b, c: {"actions": a, "before": b, "after": c, "after_unknown": {},
                          "before_sensitive": {}, "after_sensitive": {}}
    rc = [dict(res, change=ch(["no-op"], val, val))]
    if soft:
        rc.append({"address": "aws_iam_role.ci", "mode": "managed", "type": "aws_iam_role", "name": "ci",
                   "provider_name": "registry.terraform.io/hashicorp/aws",
                   "change": ch(["update"], {"name": "ci"}, {"name": "ci2"})})
    dr = [dict(res, change=ch(["update"], val, dict(val, acl="public-read")))] if drift else []
    return {"format_version": "1.2", "terraform_version": "1.9.5", "resource_drift": dr,
            "resource_changes": rc, "applyable": True, "complete": True, "errored": False}
names = ["billing-api", "checkout", "data-lake", "grafana", "identity", "ingest", "payments",
         "prod-network", "search", "staging-eks", "telemetry", "web-frontend"]
nights = {1: {}, 2: {"checkout": (1, 0), "payments": (0, 1), "search": None},
          3: {"checkout": (1, 0), "payments": (0, 1), "telemetry": (1, 0)}}
for n, special in nights.items():
    for ws in names:
        spec = special.get(ws, (0, 0))
        if spec is None:
            continue
        os.makedirs(f"{out}/night{n}/{ws}", exist_ok=True)
        json.dump(plan(*spec), open(f"{out}/night{n}/{ws}/plan.json", "w"))
PY
cat > "$tmp/known-drift.md" <<'MD'
| address | attributes | owner | expires | reason |
|---|---|---|---|---|
| aws_s3_bucket.logs | acl | sre | 2026-12-31 | public logs until the CDN move |
| aws_iam_role.legacy_* | | sec | 2026-11-01 | old roles being removed |
MD
for n in 1 2 3; do
  kd=(); [ $n = 3 ] && kd=(--known-drift "$tmp/known-drift.md")
  "$bin" audit --ledger "$tmp/l.db" --now "2026-11-2${n}T02:00:00Z" -c "$src/checklists/nightly-drift.md" \
    "${kd[@]}" --html "$tmp/audit.html" "$tmp/night$n" >"$tmp/out$n.txt" 2>"$tmp/err$n.txt" || true
done
grep -q 'Content-Security-Policy' "$tmp/audit.html"
! grep -q 'CANARY-7f3a9c1e' "$tmp/audit.html"

run() { # run OUT_PREFIX ARGS... : chromium with a fresh profile and no way out
  local prof; prof=$(mktemp -d -p "$tmp")
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$prof" --host-resolver-rules="MAP * ~NOTFOUND" "$@" 2>>"$tmp/chromium.log"
}

run --dump-dom "file://$tmp/audit.html" >"$tmp/dom.html"
svgs=$(grep -o '<svg' "$tmp/dom.html" | wc -l)
[ "$svgs" -eq 3 ] || { echo "expected 3 <svg> charts in the DOM, found $svgs"; exit 1; }
grep -q '<h2>Workspaces</h2>' "$tmp/dom.html" || { echo "no workspace table"; exit 1; }
grep -q '<th>Verdict</th>' "$tmp/dom.html" || { echo "no verdict column"; exit 1; }
grep -q 'class="banner' "$tmp/dom.html" || { echo "no verdict banner"; exit 1; }

run --window-size=1280,2000 --screenshot="$art/audit-1280.png" "file://$tmp/audit.html" >/dev/null
run --window-size=390,2600 --screenshot="$art/audit-390.png" "file://$tmp/audit.html" >/dev/null
[ -s "$art/audit-1280.png" ] && [ -s "$art/audit-390.png" ] || { echo "no screenshots"; exit 1; }

page_requests() { # NETLOG -> number of URL requests a page initiated
  python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
types = {v: k for k, v in d["constants"]["logEventTypes"].items()}
n = 0
for e in d["events"]:
    p = e.get("params") or {}
    if types.get(e["type"]) == "URL_REQUEST_START_JOB" and "url" in p \
            and p.get("initiator") != "not an origin":
        n += 1
print(n)
PY
}
run --log-net-log="$tmp/report.netlog" --dump-dom "file://$tmp/audit.html" >/dev/null
cat > "$tmp/control.html" <<'HTML'
<!DOCTYPE html><html><body><img src="http://tfaudit-control.invalid/pixel.png"></body></html>
HTML
run --log-net-log="$tmp/control.netlog" --dump-dom "file://$tmp/control.html" >/dev/null
report=$(page_requests "$tmp/report.netlog") control=$(page_requests "$tmp/control.netlog")
[ "$control" -ge 1 ] || { echo "the NetLog check saw no request from the control page"; exit 1; }
[ "$report" -eq 0 ] || { echo "the report made $report network request(s)"; exit 1; }
cp "$tmp/audit.html" "$art/audit.html"
echo "ok: 3 charts, table, screenshots in $art, report requests $report (control $control)"
