# The driver interface as the linker wants it, generated from src/ndis/exports.def and
# src/ndis/runtime_exports.def (one name per EXPORT_FN/EXPORT_STUB/RUNTIME_EXPORT line):
#   VERSION_SCRIPT  for libopenndis.so: these names are global, everything else local, so a
#                   driver cannot link OpenNDIS's host functions (ndis_adapter_send, vf_reset);
#   DYNAMIC_LIST    for programs that link the runtime in (openndis, tests, benches): they
#                   export exactly these names to the drivers they load.
# cmake -DDEFS=a.def,b.def -DVERSION_SCRIPT=out.map -DDYNAMIC_LIST=out.list -P DriverInterface.cmake
string(REPLACE "," ";" DEFS "${DEFS}")
set(names "")
foreach(def IN LISTS DEFS)
  file(STRINGS "${def}" lines REGEX "^[A-Z_]+\\([A-Za-z0-9_]+, *[A-Za-z0-9_]+\\)")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[A-Z_]+\\([A-Za-z0-9_]+, *([A-Za-z0-9_]+)\\).*" "\\1" name "${line}")
    list(APPEND names "${name}")
  endforeach()
endforeach()
list(LENGTH names count)
if(count LESS 10)
  message(FATAL_ERROR "DriverInterface.cmake: only ${count} names in ${DEFS}")
endif()
list(JOIN names ";\n    " body)
set(header "/* Generated from exports.def and runtime_exports.def by cmake/DriverInterface.cmake: do not edit. */\n")
file(WRITE "${VERSION_SCRIPT}" "${header}{\n  global:\n    ${body};\n  local: *;\n};\n")
file(WRITE "${DYNAMIC_LIST}" "${header}{\n    ${body};\n};\n")
