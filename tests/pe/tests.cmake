# PE images (tests/pe/): the sample built as a .sys in the Windows ABI runs like its .so
# build, and bad images are refused in one line before anything runs. Needs the PE
# toolchain (clang, lld-link, llvm-dlltool); without it the tests are not added.
if(OPENNDIS_PE_TOOLCHAIN)
  add_test(NAME pe_refusals_agree
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/pe/refusals.sh $<TARGET_FILE:openndis-cli>
            ${PROJECT_BINARY_DIR}/drivers/sample_pe.sys ${OPENNDIS_CLANG} ${OPENNDIS_LLD_LINK} ${OPENNDIS_DLLTOOL}
            ${CMAKE_CURRENT_BINARY_DIR})
  add_test(NAME pe_sample_info COMMAND $<TARGET_FILE:openndis-cli> info ${PROJECT_BINARY_DIR}/drivers/sample_pe.sys)
  set_tests_properties(pe_sample_info PROPERTIES PASS_REGULAR_EXPRESSION "registered +NDIS 6.30 miniport.*PASS: no rule violated")
  add_test(NAME pe_sample_imports COMMAND $<TARGET_FILE:openndis-cli> info --imports ${PROJECT_BINARY_DIR}/drivers/sample_pe.sys)
  set_tests_properties(pe_sample_imports PROPERTIES PASS_REGULAR_EXPRESSION "ndis.sys +NdisAcquireSpinLock.*LOADS")
  add_test(NAME pe_sample_run COMMAND $<TARGET_FILE:openndis-cli> run --frames 300 ${PROJECT_BINARY_DIR}/drivers/sample_pe.sys)
  set_tests_properties(pe_sample_run PROPERTIES PASS_REGULAR_EXPRESSION "frames delivered through the driver: 600 of 600.*PASS: no rule violated")
endif()

# Structured exceptions in a PE image: the compiler's own __try scopes, dispatched through the
# image's .pdata (tests/pe/seh.c prints one line per case and registers only if all hold).
if(OPENNDIS_PE_TOOLCHAIN)
  openndis_add_driver(seh_pe pe/seh.c rogue/common.c ABI windows)
  add_test(NAME pe_seh_cases COMMAND $<TARGET_FILE:openndis-cli> info ${CMAKE_CURRENT_BINARY_DIR}/seh_pe.sys)
  set_tests_properties(pe_seh_cases PROPERTIES
    PASS_REGULAR_EXPRESSION "seh_pe: 11 of 11 cases passed.*registered +NDIS 6.0 miniport.*PASS: no rule violated"
    FAIL_REGULAR_EXPRESSION "FAILED")
endif()

# A system thread's start routine gets its context in either convention (tests/pe/system_thread.c).
openndis_add_driver(system_thread pe/system_thread.c rogue/common.c)
add_test(NAME system_thread_context COMMAND $<TARGET_FILE:openndis-cli> info $<TARGET_FILE:system_thread>)
set_tests_properties(system_thread_context PROPERTIES
  PASS_REGULAR_EXPRESSION "system_thread: context seen, IRQL 0.*registered +NDIS 6.0 miniport.*PASS: no rule violated")
if(OPENNDIS_PE_TOOLCHAIN)
  openndis_add_driver(system_thread_pe pe/system_thread.c rogue/common.c ABI windows)
  add_test(NAME system_thread_context_pe COMMAND $<TARGET_FILE:openndis-cli> info ${CMAKE_CURRENT_BINARY_DIR}/system_thread_pe.sys)
  set_tests_properties(system_thread_context_pe PROPERTIES
    PASS_REGULAR_EXPRESSION "system_thread: context seen, IRQL 0.*registered +NDIS 6.0 miniport.*PASS: no rule violated")
endif()

# Kernel sockets (Winsock Kernel) from a driver, in both conventions: tests/wsk/wsk_driver.c
# prints one line per case and registers only if all hold.
openndis_add_driver(wsk_driver wsk/wsk_driver.c rogue/common.c)
add_test(NAME wsk_driver_cases COMMAND $<TARGET_FILE:openndis-cli> info $<TARGET_FILE:wsk_driver>)
set_tests_properties(wsk_driver_cases PROPERTIES
  PASS_REGULAR_EXPRESSION "wsk_driver: 15 of 15 cases passed.*registered +NDIS 6.0 miniport.*PASS: no rule violated"
  FAIL_REGULAR_EXPRESSION "FAILED")
if(OPENNDIS_PE_TOOLCHAIN)
  openndis_add_driver(wsk_driver_pe wsk/wsk_driver.c rogue/common.c ABI windows)
  add_test(NAME wsk_driver_cases_pe COMMAND $<TARGET_FILE:openndis-cli> info ${CMAKE_CURRENT_BINARY_DIR}/wsk_driver_pe.sys)
  set_tests_properties(wsk_driver_cases_pe PROPERTIES
    PASS_REGULAR_EXPRESSION "wsk_driver: 15 of 15 cases passed.*registered +NDIS 6.0 miniport.*PASS: no rule violated"
    FAIL_REGULAR_EXPRESSION "FAILED")
endif()
