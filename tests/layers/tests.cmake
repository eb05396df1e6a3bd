# The layers keep the direction docs/architecture.md draws (tests/layers/).
add_test(NAME layers_one_way
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/layers/layers.sh ${PROJECT_SOURCE_DIR} $<TARGET_FILE:openndis>)
set_tests_properties(layers_one_way PROPERTIES LABELS static) # the sources' includes and calls
