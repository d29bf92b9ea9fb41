#!/usr/bin/env bash
# Standing checks (STYLE.md rules 14, 19, 25): clang-format, banned libc calls,
# no printing outside auditor/ and tests/, and libcurl's global setup only in
# tfa_http_global_init.
set -uo pipefail
cd "$(dirname "$0")/.."
fail=0
mapfile -t sources < <(git ls-files '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build*')
# A missing formatter is a failure, not a pass: a lint that skips its main
# check says nothing (make deps installs clang-format from packages.txt).
if ! command -v clang-format >/dev/null; then
  echo "lint: clang-format is not installed (apt-get install clang-format, or make deps): formatting not checked" >&2
  exit 2
fi
for f in "${sources[@]}"; do
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || { echo "not clang-formatted: $f"; fail=1; }
done
banned='\b(strcpy|strcat|strncpy|strncat|sprintf|vsprintf|strtok|atoi|atol|sscanf|gmtime|localtime|qsort)[[:space:]]*\('
for f in "${sources[@]}"; do
  [[ "$f" == */banned.h || "$f" == */sort.h ]] && continue
  if grep -nE "$banned" "$f" | grep -v '^\s*[0-9]*:\s*\*' >/dev/null; then
    grep -nE "$banned" "$f" | sed "s|^|$f:|"; fail=1
  fi
done
for f in "${sources[@]}"; do
  case "$f" in auditor/*|tests/*|bench/*) continue ;; esac
  if grep -nE '\b(printf|fprintf|puts|fputs|putchar)[[:space:]]*\(' "$f" | grep -v 'snprintf\|vsnprintf' >/dev/null; then
    grep -nE '\b(printf|fprintf|puts|fputs|putchar)[[:space:]]*\(' "$f" | grep -v 'snprintf\|vsnprintf' | sed "s|^|$f: prints outside auditor/: |"; fail=1
  fi
done
# libcurl's global state is set up once, by main (and the test main) through
# tfa_http_global_init: nothing else calls curl_global_* (net/http.h).
for f in "${sources[@]}"; do
  [ "$f" = net/http.c ] && continue
  if grep -nE '\bcurl_global_(init|cleanup)[[:space:]]*\(' "$f" >/dev/null; then
    grep -nE '\bcurl_global_(init|cleanup)[[:space:]]*\(' "$f" | sed "s|^|$f: curl_global_* outside tfa_http_global_init: |"; fail=1
  fi
done
exit $fail
