#!/usr/bin/env bash
# deploy.sh TFAUDIT - the container recipe (docs/deploy/Dockerfile) installs
# what the binary needs: every shared library the built tfaudit links to
# directly comes from a package its runtime stage installs, and every
# library -dev package the build needs (scripts/packages.txt) is in its build
# stage. Docker images cannot be built here (no registry), so the recipe is
# checked against the binary and the package list instead: a dependency
# added to the build and forgotten in the recipe fails this test.
. "$(dirname "$0")/lib.sh"

dockerfile=docs/deploy/Dockerfile
[ -f "$dockerfile" ] || { echo "no $dockerfile"; exit 1; }
command -v readelf >/dev/null && command -v dpkg >/dev/null || { echo "SKIP: readelf or dpkg absent"; exit 77; }

# A sanitizer build links its runtime (libasan, libtsan): the recipe builds
# the release binary, which the normal build's run of this test checks.
if readelf -d "$TFAUDIT" | grep -Eq '\[lib(a|t|ub)san'; then echo "SKIP: sanitizer build"; exit 77; fi

# stage N: the package names the Nth FROM stage's apt-get install lines name
stage() {
  awk -v want="$1" '/^FROM /{ n++ } n == want' "$dockerfile" |
    sed -e 's/\\$//' | tr ' \t' '\n\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$' | sort -u
}
build_pkgs=$(stage 1)
run_pkgs=$(stage 2)

# Build stage: the -dev packages of scripts/packages.txt's build part
# (test-only tools such as check's runner are not needed to build the
# binary, but check is; benchmark peers such as libsimdjson-dev, listed
# under "# tests and benchmarks", are not part of the binary).
for pkg in $(sed '/^# tests and benchmarks/,$d' scripts/packages.txt |
  grep -E '^lib[a-z0-9.+-]+-dev$|^check$|^cmake$|^pkg-config$' | sort -u); do
  printf '%s\n' "$build_pkgs" | grep -qx -- "$pkg" || fail "$dockerfile build stage lacks $pkg (scripts/packages.txt has it)"
done

# Runtime stage: the package providing each NEEDED library. libc6 and
# libgcc-s1 are part of debian:12-slim itself.
for lib in $(readelf -d "$TFAUDIT" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
  path=$(ldconfig -p | awk -v l="$lib" '$1 == l { print $NF; exit }')
  [ -n "$path" ] || { fail "$lib: not found by ldconfig"; continue; }
  pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1)
  [ -n "$pkg" ] || pkg=$(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1)
  [ -n "$pkg" ] || { fail "$lib: no Debian package owns $path"; continue; }
  case "$pkg" in libc6|libgcc-s1) continue ;; esac
  printf '%s\n' "$run_pkgs" | grep -qx -- "$pkg" || fail "$dockerfile runtime stage lacks $pkg (for $lib)"
done
finish
