# The Microsoft-x64-ABI entry points of the exports, generated from src/ndis/exports.def and
# the prototypes in include/: one macro line per export, which src/ndis/ms_abi.c expands
# into an __attribute__((ms_abi)) C wrapper. The prototype decides the form:
#   MS_THUNK_N(module, name, n)        n integer and pointer arguments (n <= 12)
#   MS_THUNK(module, name)             no prototype in the headers: 12 forwarded, whatever they are
#   MS_THUNK_VARIADIC(module, name)    a "..." function (DbgPrint): forwarded as variadic
#   MS_THUNK_VALIST(module, name, i)   argument i is a va_list: converted to the host's
# A prototype with floating-point arguments, or more than 12, stops the build: the generic
# wrappers would pass them wrongly.
# cmake -DEXPORTS=exports.def -DINCLUDE_DIR=include -DOUT=ms_abi_thunks.h -P MsAbiThunks.cmake
file(GLOB_RECURSE headers "${INCLUDE_DIR}/*.h")
set(text "")
foreach(h IN LISTS headers)
  file(READ "${h}" t)
  string(APPEND text "${t}\n")
endforeach()
# one line per declaration: comments and line breaks out
string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" " " text "${text}")
string(REGEX REPLACE "//[^\n]*" " " text "${text}")
string(REGEX REPLACE "[\r\n\t]+" " " text "${text}")
string(REGEX REPLACE "#" ";#" text "${text}")

file(STRINGS "${EXPORTS}" lines REGEX "^EXPORT_(FN|STUB)\\([A-Z]+, *[A-Za-z0-9_]+\\)")
set(out "/* Generated from exports.def and the headers by cmake/MsAbiThunks.cmake: do not edit. */\n")
foreach(line IN LISTS lines)
  string(REGEX REPLACE "^EXPORT_(FN|STUB)\\(([A-Z]+), *([A-Za-z0-9_]+)\\).*" "\\2" module "${line}")
  string(REGEX REPLACE "^EXPORT_(FN|STUB)\\(([A-Z]+), *([A-Za-z0-9_]+)\\).*" "\\3" name "${line}")
  string(REGEX MATCH "[ *]${name} *\\(([^;{]*)\\) *[;{]" decl "${text}")
  set(params "${CMAKE_MATCH_1}")
  if(decl STREQUAL "")
    # no prototype in the headers (a stub for an undeclared function): integer arguments
    string(APPEND out "MS_THUNK(${module}, ${name}) /* no prototype */\n")
    continue()
  endif()
  if(params MATCHES "(^|[^A-Za-z0-9_])(float|double)([^A-Za-z0-9_]|$)")
    message(FATAL_ERROR "MsAbiThunks: ${name} takes a floating-point argument; give it a hand-written ms_abi wrapper")
  endif()
  string(REGEX REPLACE "\\([^()]*\\)" "" flat "${params}") # function-pointer parameter lists
  string(REGEX REPLACE "[^,]" "" commas "${flat}")
  string(LENGTH "${commas}" n)
  math(EXPR n "${n} + 1")
  if(n GREATER 12)
    message(FATAL_ERROR "MsAbiThunks: ${name} takes ${n} arguments, more than the wrappers forward")
  endif()
  if(params MATCHES "\\.\\.\\.")
    string(APPEND out "MS_THUNK_VARIADIC(${module}, ${name})\n")
  elseif(params MATCHES "(^|[^A-Za-z0-9_])va_list([^A-Za-z0-9_]|$)")
    string(REGEX REPLACE "va_list.*" "" before "${flat}")
    string(REGEX REPLACE "[^,]" "" commas "${before}")
    string(LENGTH "${commas}" index)
    string(APPEND out "MS_THUNK_VALIST(${module}, ${name}, ${index})\n")
  else()
    string(STRIP "${params}" bare)
    if(bare STREQUAL "void" OR bare STREQUAL "VOID" OR bare STREQUAL "")
      set(n 0)
    endif()
    # exactly the prototype's arguments: no copies of stack slots the callee never reads
    string(APPEND out "MS_THUNK_N(${module}, ${name}, ${n})\n")
  endif()
endforeach()
file(WRITE "${OUT}.tmp" "${out}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
file(REMOVE "${OUT}.tmp")
