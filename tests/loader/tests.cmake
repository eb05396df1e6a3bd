# The loader's decisions: what it refuses and what drivers may import (tests/loader/).
add_test(NAME loader_refusals_agree
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/loader/refusals.sh $<TARGET_FILE:openndis-cli>
          $<TARGET_FILE:sample> ${CMAKE_C_COMPILER} ${CMAKE_CURRENT_BINARY_DIR})
add_test(NAME loader_seh_imports_either_link_order
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/loader/seh_imports.sh $<TARGET_FILE:openndis-cli> ${CMAKE_C_COMPILER}
          ${PROJECT_SOURCE_DIR}/include $<TARGET_LINKER_FILE_DIR:openndis> ${CMAKE_CURRENT_BINARY_DIR}
          ${CMAKE_CURRENT_SOURCE_DIR}/loader/seh_driver.c)
add_test(NAME loader_internal_import_refused
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/loader/internal_import.sh $<TARGET_FILE:openndis-cli> ${CMAKE_C_COMPILER}
          ${PROJECT_SOURCE_DIR}/include $<TARGET_LINKER_FILE_DIR:openndis> ${CMAKE_CURRENT_BINARY_DIR}
          ${CMAKE_CURRENT_SOURCE_DIR}/loader/internal_driver.c)
add_test(NAME loader_tail_call_located
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/loader/tail_call.sh $<TARGET_FILE:openndis-cli> ${CMAKE_C_COMPILER}
          ${PROJECT_SOURCE_DIR}/include $<TARGET_LINKER_FILE_DIR:openndis> ${CMAKE_CURRENT_BINARY_DIR}
          ${CMAKE_CURRENT_SOURCE_DIR}/loader/tail_call_driver.c)
add_test(NAME loader_driver_interface_exact
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/loader/interface_exact.sh $<TARGET_FILE:openndis>
          ${PROJECT_SOURCE_DIR}/src/ndis/exports.def ${PROJECT_SOURCE_DIR}/src/ndis/runtime_exports.def)
