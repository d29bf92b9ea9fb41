#!/usr/bin/env bash
# help_cases.sh TFAUDIT - every command and subcommand `tfaudit --help` and
# `tfaudit GROUP --help` list has a CLI case tests/cli/cases/help-NAME
# (help-GROUP-SUB) running NAME --help: exit 0, the help on stdout, nothing
# on stderr. A command added to auditor/command_table.c without its case
# fails here.
. "$(dirname "$0")/lib.sh"

cases=$SRC/tests/cli/cases
check_case() { # check_case NAME ARGS...: the case exists and runs ARGS --help
  local name=$1; shift
  if [ ! -d "$cases/$name" ]; then
    fail "no CLI case $name for '$* --help'"; return
  fi
  [ "$(cat "$cases/$name/cmd")" = "$* --help" ] || fail "$name does not run '$* --help'"
  [ "$(cat "$cases/$name/status")" = 0 ] || fail "$name: --help must exit 0"
  [ -f "$cases/$name/stderr" ] && [ ! -s "$cases/$name/stderr" ] || fail "$name: --help must leave stderr empty"
}

run "$TFAUDIT" --help
expect_status 0 "tfaudit --help"
commands=$(printf '%s\n' "$out" | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
[ -n "$commands" ] || fail "tfaudit --help lists no command"
for c in $commands; do
  check_case "help-$c" "$c"
  run "$TFAUDIT" "$c" --help
  subs=$(printf '%s\n' "$out" | sed -n '/^subcommands:/,$s/^  \([a-z][a-z-]*\)\( .*\)\{0,1\}$/\1/p')
  for s in $subs; do
    check_case "help-$c-$s" "$c" "$s"
  done
done
finish
