# lib.sh - sourced by tests/sh/*.sh: a hermetic temp dir, an empty HOME, no
# XDG or TFAUDIT variables from the caller, and small assertions (git's
# t/test-lib.sh in miniature). Scripts run with the tfaudit binary as $1 and
# from the source tree root.
set -u
TFAUDIT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$(pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/home"
export HOME=$T/home
unset XDG_STATE_HOME XDG_CONFIG_HOME XDG_DATA_HOME
for v in $(env | sed -n 's/^\(TFAUDIT_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
export NO_COLOR=1
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# run CMD...: sets $out, $err, $status
run() {
  "$@" >"$T/.out" 2>"$T/.err"
  status=$?
  out=$(cat "$T/.out")
  err=$(cat "$T/.err")
}

expect_status() { [ "$status" = "$1" ] || fail "$2: exit status $status, expected $1 (stderr: $err)"; }
expect_out() { # expect_out PATTERN WHAT: a line of stdout matches the grep -E pattern
  printf '%s\n' "$out" | grep -Eq -- "$1" || fail "$2: no line of stdout matches '$1'; stdout:
$out"
}
expect_err() {
  printf '%s\n' "$err" | grep -Eq -- "$1" || fail "$2: no line of stderr matches '$1'; stderr:
$err"
}
refute() { # refute TEXT WHAT: TEXT appears in neither stream
  case "$out$err" in *"$1"*) fail "$2: '$1' was printed";; esac
}

finish() {
  if [ "$failures" -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
  echo "ok"
  exit 0
}
