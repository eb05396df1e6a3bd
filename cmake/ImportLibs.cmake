# Module-definition files for the import libraries a PE driver links against (ndis.sys,
# ntoskrnl.exe, hal.dll, netio.sys), generated from src/ndis/exports.def and crt_exports.def; the
# caller turns each into a .lib with llvm-dlltool.
# cmake -DDEFS=exports.def,crt_exports.def -DOUT_DIR=dir -P ImportLibs.cmake
string(REPLACE "," ";" DEFS "${DEFS}")
set(lib_NDIS "LIBRARY ndis.sys\nEXPORTS\n")
set(lib_NTOSKRNL "LIBRARY ntoskrnl.exe\nEXPORTS\n")
set(lib_HAL "LIBRARY hal.dll\nEXPORTS\n")
set(lib_NETIO "LIBRARY netio.sys\nEXPORTS\n")
foreach(def IN LISTS DEFS)
  file(STRINGS "${def}" lines REGEX "^(EXPORT_FN|EXPORT_STUB|CRT_EXPORT|CRT_EXPORT_VARIADIC|RUNTIME_EXPORT)\\([A-Za-z]+, *[A-Za-z0-9_]+\\)")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[A-Z_]+\\(([A-Za-z]+), *([A-Za-z0-9_]+)\\).*" "\\1" module "${line}")
    string(REGEX REPLACE "^[A-Z_]+\\(([A-Za-z]+), *([A-Za-z0-9_]+)\\).*" "\\2" name "${line}")
    # the kernel's variables (runtime_exports.def) are data: imported through __imp_ only
    set(data "")
    if(line MATCHES "^RUNTIME_EXPORT")
      set(data " DATA")
    endif()
    # WPP: the trace runtime openndis-wpp's .tmh headers call, served with ntoskrnl's names
    if(module STREQUAL "WPP")
      set(module NTOSKRNL)
    endif()
    if(module MATCHES "^(NDIS|NTOSKRNL|HAL|NETIO)$")
      string(APPEND lib_${module} "  ${name}${data}\n")
    endif()
  endforeach()
endforeach()
file(WRITE "${OUT_DIR}/ndis.def" "${lib_NDIS}")
file(WRITE "${OUT_DIR}/ntoskrnl.def" "${lib_NTOSKRNL}")
file(WRITE "${OUT_DIR}/hal.def" "${lib_HAL}")
file(WRITE "${OUT_DIR}/netio.def" "${lib_NETIO}")
