#!/usr/bin/env bash
# manpages.sh TFAUDIT - every manual page formats without a warning (groff
# -ww, and man --warnings where man-db is installed); the FACTS and
# COLLECTIONS of tfaudit-checklist(5) are what `tfaudit facts` lists; every
# grammar line `tfaudit help checklist` prints is in the page; `cmake
# --install` puts the pages in man1 and man5.
. "$(dirname "$0")/lib.sh"

command -v groff >/dev/null || { echo "skipped: groff is not installed (groff-base)"; exit 77; }
for page in "$SRC"/man/*.[15]; do
  run groff -man -ww -z "$page"
  [ "$status" = 0 ] && [ -z "$out$err" ] || fail "groff warns on $page: $err"
  if command -v man >/dev/null; then
    run env MANWIDTH=80 man --warnings -l "$page"
    [ "$status" = 0 ] && [ -z "$err" ] || fail "man --warnings on $page: $err"
  fi
done
for topic in checklist waivers known-drift manifest config; do
  [ -f "$SRC/man/tfaudit-$topic.5" ] || fail "no manual page for $topic"
  run "$TFAUDIT" help "$topic"
  expect_status 0 "tfaudit help $topic"
done

# the facts in the page are the catalog's
python3 "$SRC/scripts/man-facts.py" "$TFAUDIT" >"$T/facts.man" || fail "man-facts.py"
sed -n '/^\.\\" facts-begin$/,/^\.\\" facts-end$/p' "$SRC/man/tfaudit-checklist.5" | sed '1d;$d' \
  >"$T/page.man"
diff -u "$T/facts.man" "$T/page.man" >"$T/facts.diff" ||
  fail "tfaudit-checklist(5) facts differ from 'tfaudit facts' (run scripts/man-facts.py BINARY --update man/tfaudit-checklist.5):
$(cat "$T/facts.diff")"

# the grammar `help checklist` prints is the page's
groff -man -Tascii -P-cbou "$SRC/man/tfaudit-checklist.5" 2>/dev/null | sed 's/^ *//' >"$T/page.txt"
"$TFAUDIT" help checklist | grep -E '^([a-zA-Z_]+ +=|  +\|)' | sed 's/^ *//' >"$T/grammar.txt"
[ -s "$T/grammar.txt" ] || fail "no grammar in 'tfaudit help checklist'"
while IFS= read -r line; do
  grep -qxF -- "$line" "$T/page.txt" || fail "grammar line not in tfaudit-checklist(5): $line"
done <"$T/grammar.txt"

# make install puts the pages where man finds them. The install script runs
# from a copy whose install_manifest.txt goes to the temp dir: `cmake
# --install` would write it into the build tree.
if [ -n "${TFA_BUILD_DIR:-}" ] && [ -f "$TFA_BUILD_DIR/cmake_install.cmake" ]; then
  build=$(cd "$TFA_BUILD_DIR" && pwd)
  sed "s|file(WRITE \"$build/\${CMAKE_INSTALL_MANIFEST}\"|file(WRITE \"$T/\${CMAKE_INSTALL_MANIFEST}\"|" \
    "$build/cmake_install.cmake" >"$T/install.cmake"
  grep -qF "file(WRITE \"$T/" "$T/install.cmake" || fail "cmake_install.cmake: no manifest line to redirect"
  run cmake -DCMAKE_INSTALL_PREFIX="$T/prefix" -P "$T/install.cmake"
  expect_status 0 "cmake --install"
  for page in "$SRC"/man/*.[15]; do
    name=$(basename "$page")
    [ -f "$T/prefix/share/man/man${name##*.}/$name" ] || fail "$name not installed"
  done
fi
finish
