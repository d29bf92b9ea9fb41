#!/usr/bin/env bash
# run_case.sh TFAUDIT CASE_DIR - run one data-driven CLI case (STYLE.md rule 23).
#
# A case directory holds:
#   cmd      the arguments, one line of words (see split_cmd: blanks
#            separate, "..." and '...' quote, \ escapes; $CORPUS
#            (../shared/corpus), $FIXTURES (fixtures) and $TMP (a fresh
#            temp dir) expand). It is data, never run by a shell.
#   stdin    optional standard input
#   status   expected exit status (required)
#   stderr   expected standard error (exact; required, empty when none)
#   stdout   expected standard output (exact; required, empty when none),
#            or instead
#   stdout-has  lines that must each occur in standard output (fixed
#            strings; for output that others' changes would make brittle to
#            compare whole, such as --help); only for a case that succeeds
#            (status 0): a failing case states its whole stdout (an empty
#            file for a usage or input error, which prints nothing there;
#            summarize still lists the inputs it read)
#   setup    optional shell script run first in $TMP (builds inputs; $SRC is
#            the source tree root)
# Runs from the source tree root. A case using $CORPUS is skipped (77) when
# the corpus is absent ($TFA_CORPUS overrides its place). With BLESS=1 the
# expected stdout, stderr and status files are (re)written from this run
# instead of compared.
set -u
bin=$1 case=$(cd "$2" && pwd)
export CORPUS=${TFA_CORPUS:-../shared/corpus} FIXTURES=fixtures
TMP=$(mktemp -d); export TMP
# a HOME of the case's own: a default ledger or state never lands in the
# build tree (ctest's HOME) nor outlives the case
export HOME=$TMP/.home XDG_CONFIG_HOME=$TMP/.home/.config XDG_STATE_HOME=$TMP/.home/.local/state
mkdir -p "$HOME"
trap 'rm -rf "$TMP"' EXIT
if grep -q 'CORPUS' "$case/cmd" && [ ! -d "$CORPUS" ]; then
  echo "skipped: $CORPUS is absent"; exit 77
fi
SRC=$(pwd); export SRC
if [ -f "$case/setup" ]; then
  (cd "$TMP" && bash "$case/setup") || { echo "setup failed"; exit 1; }
fi
stdin=/dev/null
[ -f "$case/stdin" ] && stdin=$case/stdin

# Split the cmd line into words into the array `words`, without a shell:
# blanks separate words; "..." and '...' quote; a backslash escapes the next
# character (inside "..." only before ", \ and $). $CORPUS, $FIXTURES and
# $TMP (or ${NAME}) expand outside single quotes. Any other $NAME, and the
# shell's operators and globs outside quotes, are refused: a case says what
# it runs, literally. Returns 1 (with a message) on a line it refuses.
split_cmd() {
  local s=$1 n=${#1} i=0 c q="" word="" have=0 name
  words=()
  while [ $i -lt $n ]; do
    c=${s:i:1}
    if [ "$c" = '$' ] && [ "$q" != "'" ]; then
      if [[ "${s:i}" =~ ^\$\{([A-Za-z_][A-Za-z0-9_]*)\} ]] || [[ "${s:i}" =~ ^\$([A-Za-z_][A-Za-z0-9_]*) ]]; then
        name=${BASH_REMATCH[1]}
        case $name in
          CORPUS | FIXTURES | TMP) word+=${!name}; have=1; i=$((i + ${#BASH_REMATCH[0]})); continue ;;
        esac
        echo "cmd: \$$name is not a case variable (CORPUS, FIXTURES, TMP)"; return 1
      fi
      echo "cmd: a lone \$ at column $((i + 1))"; return 1
    fi
    if [ -n "$q" ]; then
      if [ "$c" = "$q" ]; then
        q=""
      elif [ "$q" = '"' ] && [ "$c" = '\' ] && [[ "${s:i+1:1}" == [\"\\\$] ]]; then
        i=$((i + 1)); word+=${s:i:1}
      else
        word+=$c
      fi
    else
      case $c in
        ' ' | $'\t') [ $have = 1 ] && words+=("$word"); word="" have=0 ;;
        '"' | "'") q=$c have=1 ;;
        '\') i=$((i + 1)); word+=${s:i:1}; have=1 ;;
        ';' | '&' | '|' | '<' | '>' | '(' | ')' | '`' | '*' | '?' | '[' | '{' | '}')
          echo "cmd: '$c' at column $((i + 1)) must be quoted: a case is not a shell line"; return 1 ;;
        *) word+=$c have=1 ;;
      esac
    fi
    i=$((i + 1))
  done
  [ -n "$q" ] && { echo "cmd: unterminated $q quote"; return 1; }
  [ $have = 1 ] && words+=("$word")
  return 0
}

line=$(cat "$case/cmd")
split_cmd "$line" || exit 1
set -- "${words[@]}"
"$bin" "$@" <"$stdin" >"$TMP/.out" 2>"$TMP/.err"
status=$?
# the temp dir differs per run, the corpus's place per machine: expected
# files spell them $TMP and $CORPUS
sed -i -e "s|$TMP|\$TMP|g" -e "s|$CORPUS|\$CORPUS|g" "$TMP/.out" "$TMP/.err"
if [ "${BLESS:-0}" = 1 ]; then
  echo "$status" > "$case/status"
  cp "$TMP/.err" "$case/stderr"
  [ -f "$case/stdout-has" ] || cp "$TMP/.out" "$case/stdout"
  echo "blessed: status $status"; exit 0
fi
fail=0
# every case states all three results: a missing expectation is a failure,
# not a wildcard
for f in status stderr; do
  [ -f "$case/$f" ] || { echo "case lacks its $f file"; fail=1; }
done
if [ -f "$case/stdout" ] && [ -f "$case/stdout-has" ]; then
  echo "case has both stdout and stdout-has"; fail=1
elif [ ! -f "$case/stdout" ] && [ ! -f "$case/stdout-has" ]; then
  echo "case lacks its stdout file (empty when nothing is printed)"; fail=1
fi
want=$(cat "$case/status" 2>/dev/null || echo missing)
if [ -f "$case/stdout-has" ] && [ "$want" != 0 ]; then
  echo "stdout-has is for a case that succeeds; state the whole stdout"; fail=1
fi
if [ "$status" != "$want" ]; then
  echo "exit status $status, expected $want"; fail=1
fi
for stream in stdout stderr; do
  [ -f "$case/$stream" ] || continue
  got=$TMP/.out; [ $stream = stderr ] && got=$TMP/.err
  if ! diff -u "$case/$stream" "$got"; then echo "($stream differs)"; fail=1; fi
done
if [ -f "$case/stdout-has" ]; then
  while IFS= read -r line; do
    grep -qF -- "$line" "$TMP/.out" || { echo "stdout lacks: $line"; fail=1; }
  done < "$case/stdout-has"
fi
if [ $fail -ne 0 ]; then
  echo "--- stderr was:"; cat "$TMP/.err"
fi
exit $fail
