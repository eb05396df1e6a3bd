# ---- openndis port against hostile input (issue 15) -----------------------------------------
add_test(NAME port_hostile_input
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/scripts/port_hostile.sh $<TARGET_FILE:openndis-port>
          ${CMAKE_CURRENT_SOURCE_DIR}/port/ndis5_basic.c ${CMAKE_CURRENT_BINARY_DIR}/port_hostile)
set_tests_properties(port_hostile_input PROPERTIES TIMEOUT 300)
