# The loader's decisions: what it refuses and what drivers may import (tests/loader/).
add_test(NAME loader_refusals_agree
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/loader/refusals.sh $<TARGET_FILE:openndis-cli>
          $<TARGET_FILE:sample> ${CMAKE_C_COMPILER} ${CMAKE_CURRENT_BINARY_DIR})
