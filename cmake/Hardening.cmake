# Hardening.cmake - the protections a distribution build gets (Debian's
# hardening=+all): fortified libc calls, stack protector, PIE, full RELRO
# with immediate binding. tests/sh/hardening.sh checks the binary has them.
#
# Off in the sanitizer and fuzz builds: _FORTIFY_SOURCE replaces the libc
# calls the sanitizers intercept (ASan misses overflows through the _chk
# variants), and those builds exist to find bugs, not to ship.
option(TFA_HARDEN "Hardening flags: _FORTIFY_SOURCE=3, stack protector, PIE, RELRO/now" ON)

if(TFA_HARDEN AND NOT TFA_SANITIZE AND NOT TFA_TSAN AND NOT TFA_FUZZ)
  include(CheckPIESupported)
  check_pie_supported(OUTPUT_VARIABLE _tfa_pie LANGUAGES C)
  if(NOT CMAKE_C_LINK_PIE_SUPPORTED)
    message(FATAL_ERROR "the linker cannot make a PIE: ${_tfa_pie}")
  endif()
  set(CMAKE_POSITION_INDEPENDENT_CODE ON)
  add_compile_options(-fstack-protector-strong)
  # _FORTIFY_SOURCE works only with optimization (glibc warns, -Werror
  # fails, at -O0), so Debug builds go without it. Undefined first: some
  # compilers predefine level 2. Level 3 needs gcc >= 12 and glibc >= 2.34.
  set(_tfa_optimized "$<OR:$<CONFIG:Release>,$<CONFIG:RelWithDebInfo>,$<CONFIG:MinSizeRel>>")
  add_compile_options("$<${_tfa_optimized}:-U_FORTIFY_SOURCE>"
                      "$<${_tfa_optimized}:-D_FORTIFY_SOURCE=3>")
  add_link_options(-Wl,-z,relro,-z,now)
  set(TFA_HARDENED ON)
else()
  set(TFA_HARDENED OFF)
endif()
