# ---- TAP edge: frame accounting and ordering through real interfaces (root only) -----------
add_executable(framecheck tools/framecheck.c)
target_compile_definitions(framecheck PRIVATE _GNU_SOURCE)
foreach(mode drops order tcp)
  add_test(NAME tap_frames_${mode}
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/scripts/tap_frames.sh ${mode} $<TARGET_FILE:openndis-cli>
            $<TARGET_FILE:sample> ${CMAKE_CURRENT_BINARY_DIR}/tap_frames_${mode} $<TARGET_FILE:framecheck>
            $<TARGET_FILE:tcpcheck>)
  set_tests_properties(tap_frames_${mode} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120 RUN_SERIAL TRUE)
endforeach()
# the same TCP transfer through a hardware miniport: the test virtio-net driver (modern build,
# sends mapped by scatter/gather lists) on two virtio-net device models and their wire
add_test(NAME tap_frames_tcp_virtio
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/scripts/tap_frames.sh tcp $<TARGET_FILE:openndis-cli>
          $<TARGET_FILE:virtio_miniport_modern> ${CMAKE_CURRENT_BINARY_DIR}/tap_frames_tcp_virtio
          $<TARGET_FILE:framecheck> $<TARGET_FILE:tcpcheck> --device=virtio-net)
set_tests_properties(tap_frames_tcp_virtio PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120 RUN_SERIAL TRUE)
# ---- an IP-medium adapter as a TUN interface: ping both ways (root only) ------------------
add_test(NAME tun_ping
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/scripts/tun_check.sh $<TARGET_FILE:openndis-cli> $<TARGET_FILE:sample>
          ${CMAKE_CURRENT_BINARY_DIR}/tun_check)
set_tests_properties(tun_ping PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120 RUN_SERIAL TRUE)
# ---- a Linux program as the driver's user-mode half: ping through the control device ------
add_test(NAME control_ping
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/scripts/control_ping.sh $<TARGET_FILE:openndis-cli> $<TARGET_FILE:sample>
          $<TARGET_FILE:bridge> ${CMAKE_CURRENT_BINARY_DIR}/control_ping)
set_tests_properties(control_ping PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120 RUN_SERIAL TRUE)
add_test(NAME device_files_ping
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/scripts/device_files_ping.sh $<TARGET_FILE:openndis-cli> $<TARGET_FILE:sample>
          $<TARGET_FILE:bridge> ${CMAKE_CURRENT_BINARY_DIR}/device_files_ping)
set_tests_properties(device_files_ping PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120 RUN_SERIAL TRUE)
