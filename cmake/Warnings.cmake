# Warnings every tfaudit target compiles with (STYLE.md rule 25, after curl's
# PickyWarnings.cmake and git's config.mak.dev).
set(TFA_WARNINGS
    -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wwrite-strings -Wvla -Wformat=2 -Wundef -Wpointer-arith -Wcast-qual
    -Wold-style-definition -Wnull-dereference)
if(TFA_WERROR)
  list(APPEND TFA_WARNINGS -Werror)
endif()

# Apply the warning set to a target.
function(tfa_warnings target)
  target_compile_options(${target} PRIVATE ${TFA_WARNINGS})
endfunction()
