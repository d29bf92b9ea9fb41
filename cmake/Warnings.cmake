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

# A module's private headers live in its private/ directory, which is on its
# own include path only: another module including one fails to compile, so
# the boundary is checked by the build, not by review.
function(tfa_private_headers target)
  if(IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/private)
    target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/private)
  endif()
endfunction()

# A module library from every .c in the calling directory: static when it has
# sources, an interface target while it has none. `deps` are linked PUBLIC;
# headers directly in the directory are public, those in private/ are not.
function(tfa_module target)
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.c)
  if(srcs)
    add_library(${target} STATIC ${srcs})
    target_include_directories(${target} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
    target_link_libraries(${target} PUBLIC ${ARGN})
    tfa_private_headers(${target})
    tfa_warnings(${target})
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${CMAKE_CURRENT_SOURCE_DIR})
    target_link_libraries(${target} INTERFACE ${ARGN})
  endif()
endfunction()
