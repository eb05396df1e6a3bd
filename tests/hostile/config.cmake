# Hostile-input regressions for the parameter file and the INF (issue 15: items 9 and 21 and
# the parameter-file messages), OPENNDIS_TRACE and the service name a driver is given (more
# unclear messages of the issue). Each case is one run of config.sh.
set(HOSTILE_CONFIG_CASES not_regular many_keys long_value diagnostics trace_env service_name)
foreach(case ${HOSTILE_CONFIG_CASES})
  add_test(NAME hostile_config_${case}
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/hostile/config.sh ${case} $<TARGET_FILE:openndis-cli>
            $<TARGET_FILE:sample> ${CMAKE_CURRENT_BINARY_DIR}/hostile/config_${case})
  set_tests_properties(hostile_config_${case} PROPERTIES TIMEOUT 300)
endforeach()
