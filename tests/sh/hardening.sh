#!/usr/bin/env bash
# hardening.sh TFAUDIT - the release binary carries the protections
# cmake/Hardening.cmake asks for: a position-independent executable, full
# RELRO (a GNU_RELRO segment and BIND_NOW), a non-executable stack, the
# stack protector and fortified libc calls (_FORTIFY_SOURCE=3). Read from
# the ELF itself with readelf, as Debian's hardening-check does (which also
# runs when devscripts is installed). Skipped (77) for the builds that turn
# hardening off on purpose: sanitizers, fuzzing, -DTFA_HARDEN=OFF; the
# fortify check only for optimized builds (glibc needs optimization).
. "$(dirname "$0")/lib.sh"

command -v readelf >/dev/null || { echo "skipped: readelf is not installed (binutils)"; exit 77; }
cache=${TFA_BUILD_DIR:-}/CMakeCache.txt
[ -f "$cache" ] || { echo "skipped: no CMakeCache.txt in TFA_BUILD_DIR (run through ctest)"; exit 77; }
setting() { sed -n "s/^$1:[A-Z]*=//p" "$cache" | head -n1; }
on() { case "$(setting "$1" | tr '[:lower:]' '[:upper:]')" in ON | 1 | TRUE | YES | Y) return 0 ;; esac; return 1; }
for opt in TFA_SANITIZE TFA_TSAN TFA_FUZZ; do
  on "$opt" && { echo "skipped: $opt build (no hardening flags by design)"; exit 77; }
done
on TFA_HARDEN || { echo "skipped: configured with -DTFA_HARDEN=OFF"; exit 77; }

dyn=$(readelf -dW "$TFAUDIT") || fail "readelf -d $TFAUDIT"
seg=$(readelf -lW "$TFAUDIT") || fail "readelf -l $TFAUDIT"
hdr=$(readelf -hW "$TFAUDIT") || fail "readelf -h $TFAUDIT"
syms=$(readelf --dyn-syms -W "$TFAUDIT") || fail "readelf --dyn-syms $TFAUDIT"

# PIE: an ET_DYN executable flagged PIE (not a shared library).
printf '%s\n' "$hdr" | grep -Eq 'Type:[[:space:]]+DYN' || fail "not position independent (ELF type is not DYN)"
printf '%s\n' "$dyn" | grep -Eq 'FLAGS_1.*\bPIE\b' || fail "no PIE flag in the dynamic section"
# Full RELRO: the segment, and every symbol bound at start (BIND_NOW / NOW).
printf '%s\n' "$seg" | grep -q 'GNU_RELRO' || fail "no GNU_RELRO segment (-Wl,-z,relro)"
printf '%s\n' "$dyn" | grep -Eq '\(BIND_NOW\)|FLAGS_1.*\bNOW\b' || fail "no BIND_NOW (-Wl,-z,now): partial RELRO only"
# The stack is not executable.
printf '%s\n' "$seg" | grep -E 'GNU_STACK' | grep -q 'RWE' && fail "executable stack"
# Stack protector: the failure handler is referenced.
printf '%s\n' "$syms" | grep -q '__stack_chk_fail' || fail "no __stack_chk_fail: built without -fstack-protector-strong"
# Fortify: checked variants of libc calls (memcpy, snprintf... are used
# everywhere, so an optimized fortified build always has some).
case "$(setting CMAKE_BUILD_TYPE)" in
  Release | RelWithDebInfo | MinSizeRel)
    printf '%s\n' "$syms" | grep -Eq '__[a-z0-9_]+_chk\b' ||
      fail "no fortified libc calls (__*_chk): built without -D_FORTIFY_SOURCE"
    ;;
esac
# The flags as compiled: _FORTIFY_SOURCE=3, not an older level left over.
ccmds=$TFA_BUILD_DIR/compile_commands.json
if [ -f "$ccmds" ]; then
  grep -q 'auditor/main.c' "$ccmds" || fail "compile_commands.json does not list auditor/main.c"
  main=$(grep -F '"command":' "$ccmds" | grep -F 'auditor/main.c' | head -n1)
  case "$main" in *-fstack-protector-strong*) ;; *) fail "main.c compiled without -fstack-protector-strong" ;; esac
  case "$(setting CMAKE_BUILD_TYPE)" in
    Release | RelWithDebInfo | MinSizeRel)
      case "$main" in *-D_FORTIFY_SOURCE=3*) ;; *) fail "main.c compiled without -D_FORTIFY_SOURCE=3" ;; esac
      ;;
  esac
else
  fail "no compile_commands.json in the build directory (CMAKE_EXPORT_COMPILE_COMMANDS)"
fi

# Debian's checker, when devscripts is installed: every check but the
# ones that depend on the code (some files may need no fortified call).
if command -v hardening-check >/dev/null; then
  run hardening-check --nofortify "$TFAUDIT"
  expect_status 0 "hardening-check $TFAUDIT: $out"
fi
finish
