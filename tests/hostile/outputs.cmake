# Hostile-input regressions for how openndis writes its reports and checks its options
# (issue 15: items 1, 11, 12, 14, 16, 17, 20 and the unclear messages), and the walk of
# docs/cli.md's exit-code table. Each case is one run of outputs.sh.
openndis_add_driver(hostile_printf_driver hostile/printf_driver.c rogue/common.c)
target_compile_definitions(hostile_printf_driver PRIVATE NDIS680_MINIPORT=1)
set_target_properties(hostile_printf_driver PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/hostile)
add_executable(hostile_json_check hostile/json_check.c)
target_link_libraries(hostile_json_check PRIVATE PkgConfig::JSONC)
set(HOSTILE_OUTPUT_CASES report_not_input report_targets report_unwritable driver_stdout verify_options partial_sweep
  frames_bound verify_json_load_error messages exit_code_table)
foreach(case ${HOSTILE_OUTPUT_CASES})
  add_test(NAME hostile_${case}
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/hostile/outputs.sh ${case} $<TARGET_FILE:openndis-cli>
            $<TARGET_FILE:sample> $<TARGET_FILE:hostile_printf_driver> ${CMAKE_CURRENT_BINARY_DIR}/rogue
            ${PROJECT_SOURCE_DIR}/docs/cli.md ${CMAKE_CURRENT_BINARY_DIR}/hostile/${case}
            $<TARGET_FILE:hostile_json_check>)
  set_tests_properties(hostile_${case} PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77)
endforeach()
