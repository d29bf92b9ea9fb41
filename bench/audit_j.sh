#!/usr/bin/env bash
# bench/audit_j.sh BUILD_DIR WORKDIR - the nightly audit on one core and on
# two: `tfaudit audit -j 1` against `-j 2` over the same 500 workspaces,
# read from a directory and from an S3 prefix (s3rver on 127.0.0.1,
# tests/net/s3/start.sh), medians of RUNS (default 3), interleaved, with
# benchrun. Target: -j 2 at least 1.7x as fast as -j 1 (j1/j2 >= 1.7).
# Then a scale curve: time and peak RSS of -j 2 over 32, 125 and 500
# workspaces (1x, 4x, 16x) from a directory, so linearity is visible.
#
# Workspaces are made as bench/audit.sh makes them (a plan of 180
# resources, 5 drifted, from ../shared/tools/genplan.py and its `apply
# -json` log): UNIQUE (default 32) distinct ones are generated once, and
# workspace I is a hard-linked copy of unique workspace I mod UNIQUE (the
# audit reads and gates every one; generating 500 distinct plans takes
# longer than the benchmark). Each audit writes to a fresh ledger.
#
# Judged fairly on a shared machine: each run's user+sys CPU is kept
# (medians printed beside the wall times), with the load average before and
# after, and for the S3 rows the CPU the S3 test server (one node process on
# the same cores) spent on each audit. "serial" is the serial fraction
# Amdahl's law gives for the measured ratio on 2 cores (2/ratio - 1); for S3
# "bound" is the best ratio those 2 cores allow with the server on them:
# (tfaudit CPU + server CPU) / max(server CPU, half of both).
set -euo pipefail
build=$(cd "${1:?usage: audit_j.sh BUILD_DIR WORKDIR}" && pwd)
work=${2:?usage: audit_j.sh BUILD_DIR WORKDIR}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
shared=${SHARED:-$(cd "$here/../.." && pwd)/shared}
runs=${RUNS:-3}
n=${WORKSPACES:-500}
uniq=${UNIQUE:-32}
tfaudit=$build/auditor/tfaudit
benchrun=$build/bench/benchrun
[ -f "$shared/tools/genplan.py" ] || { echo "bench: $shared/tools is absent" >&2; exit 2; }
[ -x "$tfaudit" ] && [ -x "$benchrun" ] || { echo "bench: build first" >&2; exit 2; }
mkdir -p "$work/audit_j/uniq"
work=$(cd "$work/audit_j" && pwd)

gen_ws() { # gen_ws I: one unique workspace folder
  local d
  d=$(printf '%s/uniq/u-%04d' "$work" "$1")
  [ -s "$d/apply.json" ] && return 0
  mkdir -p "$d"
  python3 "$shared/tools/genplan.py" 180 --drift 5 --seed "$1" >"$d/plan.json"
  python3 "$here/genlogs.py" "$d/plan.json" "$d" --seed "$1"
  rm -f "$d/apply.log"
}
export -f gen_ws
export work shared here
if [ "$(find "$work/uniq" -name apply.json | wc -l)" -lt "$uniq" ]; then
  echo "bench: generating $uniq workspaces in $work/uniq (once)..." >&2
  seq 1 "$uniq" | xargs -P "$(nproc)" -I{} bash -c 'gen_ws {}'
fi
if [ "$(find "$work/src" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)" -ne "$n" ]; then
  rm -rf "$work/src" && mkdir -p "$work/src"
  for i in $(seq 1 "$n"); do
    cp -al "$(printf '%s/uniq/u-%04d' "$work" $(((i - 1) % uniq + 1)))" \
      "$(printf '%s/src/ws-%04d' "$work" "$i")"
  done
fi
# the first N workspaces as their own source (hard links, no copies)
subset() {
  local d=$work/dir-$1
  if [ ! -d "$d" ] || [ "$(find "$d" -mindepth 1 -maxdepth 1 | wc -l)" -ne "$1" ]; then
    rm -rf "$d" && mkdir -p "$d"
    find "$work/src" -mindepth 1 -maxdepth 1 -name 'ws-*' | sort | head -n "$1" |
      while read -r w; do cp -al "$w" "$d/"; done
  fi
  echo "$d"
}
dir=$(subset "$n")

# timed.sh OUT CMD...: run CMD, append "wall user sys server_cpu" (seconds)
# to OUT; server_cpu is what process $SERVER_PID (the S3 server) spent meanwhile
cat >"$work/timed.sh" <<'EOS'
#!/usr/bin/env bash
out=$1
shift
ticks() { if [ -n "${SERVER_PID:-}" ] && [ -r "/proc/$SERVER_PID/stat" ]; then
  awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; else echo 0; fi; }
a=$(ticks)
TIMEFORMAT='%R %U %S'
t=$({ time "$@" >/dev/null 2>&1; } 2>&1)
b=$(ticks)
echo "$t $(awk -v d=$((b - a)) -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", d / hz }')" >>"$out"
EOS
chmod +x "$work/timed.sh"
audit() { # audit J SOURCE LABEL
  echo "rm -f $work/l-$3.db*; $work/timed.sh $work/cpu-$3.txt $tfaudit audit --ledger $work/l-$3.db -j $1 --now 2026-11-27 -c $src/checklists/nightly-drift.md $2"
}
# median of column COL of the cpu file of LABEL (user+sys when COL is "cpu")
cpu_median() {
  [ -s "$work/cpu-$1.txt" ] || { echo 0; return; }
  awk -v c="$2" '{ print (c == "cpu" ? $2 + $3 : $c) }' "$work/cpu-$1.txt" | sort -g |
    awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r >= t ? "PASS" : "FAIL") }'; }
field() { awk -v l="$1" -v f="$2" '$1 == l { print $f }' "$3"; }

# The audits must run (exit 0 or 1: NO-GO workspaces are results), or the timing means nothing.
eval "$(audit 2 "$dir" check)" || [ $? -eq 1 ] || { echo "bench: the audit of $dir failed" >&2; exit 1; }

# ---- the S3 prefix: every workspace's files as objects under s3://audit/nightly/
srv=$work/server
rm -rf "$srv"
s3=1
LIFETIME=1800 "$src/tests/net/s3/start.sh" "$srv" || s3=0
trap 'kill $(cat "$srv/pids" 2>/dev/null) 2>/dev/null || true' EXIT
if [ $s3 = 1 ]; then
  port=$(cat "$srv/s3.port")
  SERVER_PID=$(head -n 1 "$srv/pids")
  export SERVER_PID
  export AWS_ACCESS_KEY_ID=AKIATFAUDITTEST0001 AWS_SECRET_ACCESS_KEY=tfaudit-test-secret-0b7d
  export AWS_REGION=us-east-1 AWS_ENDPOINT_URL=http://127.0.0.1:$port
  export port
  put() { # put FILE KEY
    curl -sf --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
      -H "x-amz-content-sha256: $(sha256sum "$1" | cut -d' ' -f1)" -T "$1" -o /dev/null \
      "http://127.0.0.1:$port/audit/nightly/$2"
  }
  export -f put
  echo "bench: uploading $n workspaces to s3://audit/nightly/..." >&2
  (cd "$dir" && find . -type f | sed 's|^\./||' | sort | xargs -P 4 -I{} bash -c 'put "{}" "{}"')
  eval "$(audit 2 s3://audit/nightly/ check)" || [ $? -eq 1 ] ||
    { echo "bench: the audit of s3://audit/nightly/ failed" >&2; exit 1; }
else
  echo "bench: no S3 test server (node?): the S3 rows are left out" >&2
fi

out=$work/times-j.txt
rm -f "$work"/cpu-*.txt
cmds=("dj1=$(audit 1 "$dir" dj1)" "dj2=$(audit 2 "$dir" dj2)")
[ $s3 = 1 ] && cmds+=("sj1=$(audit 1 s3://audit/nightly/ sj1)" "sj2=$(audit 2 s3://audit/nightly/ sj2)")
# the load average, and CPU pressure (the share of time something here
# waited for a core) where the kernel reports it
load() { echo "$(cut -d' ' -f1-3 /proc/loadavg)$(awk '/^some/ { sub("avg10=", "", $2);
  printf ", cpu pressure %s%%", $2 }' /proc/pressure/cpu 2>/dev/null)"; }
# cores busy with other work while nothing of this bench runs (3 s of /proc/stat)
others() {
  local a b
  a=$(head -n 1 /proc/stat) && sleep 3 && b=$(head -n 1 /proc/stat)
  awk -v a="$a" -v b="$b" -v n="$(nproc)" 'BEGIN { split(a, x); split(b, y); t = 0
    for (i = 2; i <= 9; i++) t += y[i] - x[i]
    idle = (y[5] + y[6]) - (x[5] + x[6])
    printf "%.2f of %d cores busy with other work", t ? n * (1 - idle / t) : 0, n }'
}
load_before="$(load); $(others)"
"$benchrun" -n "$runs" "${cmds[@]}" >"$out"
echo "== audit -j 1 vs -j 2: $n workspaces (median of $runs, interleaved, $(nproc) cores)"
echo "load average before: $load_before"
echo "load average after: $(load); $(others)"
printf '%-20s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s\n' source j1_s j2_s j1_cpu \
  j2_cpu srv_j1 srv_j2 j1_MB j2_MB j1/j2 serial bound target
for s in d s; do
  [ -n "$(field ${s}j1 2 "$out")" ] || continue
  label=$([ $s = d ] && echo "directory" || echo "s3://audit/nightly/")
  r=$(ratio "$(field ${s}j1 2 "$out")" "$(field ${s}j2 2 "$out")")
  c1=$(cpu_median ${s}j1 cpu) c2=$(cpu_median ${s}j2 cpu)
  n1=$(cpu_median ${s}j1 4) n2=$(cpu_median ${s}j2 4)
  bound=$(awk -v t="$c1" -v n="$n1" 'BEGIN { m = (t + n) / 2; if (n > m) m = n;
    if (m > 0 && n > 0) printf "%.2f", (t + n) / m; else print "-" }')
  printf '%-20s %6s %6s %6s %6s %6s %6s %6.0f %6.0f %6s %6s %6s %6s\n' "$label" \
    "$(field ${s}j1 2 "$out")" "$(field ${s}j2 2 "$out")" "$c1" "$c2" "$n1" "$n2" \
    "$(awk -v k="$(field ${s}j1 4 "$out")" 'BEGIN { print k / 1024 }')" \
    "$(awk -v k="$(field ${s}j2 4 "$out")" 'BEGIN { print k / 1024 }')" "$r" \
    "$(awk -v r="$r" 'BEGIN { printf "%.2f", 2 / r - 1 }')" "$bound" "$(verdict "$r" 1.7)"
done
echo "target: j1/j2 >= 1.7 (seconds; cpu = tfaudit user+sys, srv = S3 server CPU; MB = peak RSS)"

# ---- scale curve: -j 2 over 1x, 4x, 16x workspaces
curve=$work/times-curve.txt
args=()
for k in 32 125 500; do
  [ "$k" -le "$n" ] || continue
  args+=("w$k=$(audit 2 "$(subset "$k")" w$k)")
done
"$benchrun" -n "$runs" "${args[@]}" >"$curve"
echo "== audit scale curve: -j 2 from a directory (median of $runs)"
printf '%-10s %8s %8s %12s\n' workspaces seconds RSS_MB ms_per_ws
for k in 32 125 500; do
  t=$(field "w$k" 2 "$curve")
  [ -n "$t" ] || continue
  printf '%-10s %8s %8.0f %12.1f\n' "$k" "$t" \
    "$(awk -v x="$(field "w$k" 4 "$curve")" 'BEGIN { print x / 1024 }')" \
    "$(awk -v t="$t" -v k="$k" 'BEGIN { print t * 1000 / k }')"
done
