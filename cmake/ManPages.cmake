# Man pages, generated from each command's own --help by help2man (Debian's), so that they
# cannot drift from it; man/common.h2m adds the SEE ALSO section. Without help2man there are
# none (the build says so); quickstart.sh installs it.
find_program(OPENNDIS_HELP2MAN help2man)
set(OPENNDIS_MAN_PAGES)
if(NOT OPENNDIS_HELP2MAN)
  message(STATUS "help2man not found: no man pages (apt-get install help2man)")
  return()
endif()
set(man_dir ${PROJECT_BINARY_DIR}/man)
# name: summary (the NAME line of each page)
set(OPENNDIS_MAN_COMMANDS
  "openndis:run NDIS 6 miniport drivers in Linux user space and check them"
  "info:load a miniport, run DriverEntry and show its registration"
  "run:run a miniport's whole life: adapters, traffic, pause, halt, unload"
  "verify:conformance pass and systematic fault sweep of a miniport"
  "rules:list the rules OpenNDIS checks"
  "exports:list the NDIS and kernel functions OpenNDIS implements"
  "port:NDIS 5.x to 6.0 porting diagnostics and fix-its"
  "devices:list the control devices a running driver exposes"
  "ioctl:send a DeviceIoControl to a running driver's device"
  "report:join the JSON reports of the shards of one verify run")
foreach(entry ${OPENNDIS_MAN_COMMANDS})
  string(REGEX MATCH "^[^:]+" cmd "${entry}")
  string(REGEX REPLACE "^[^:]+:" "" summary "${entry}")
  if(cmd STREQUAL "openndis")
    set(page openndis)
    set(args "")
  else()
    set(page openndis-${cmd})
    set(args " ${cmd}")
  endif()
  # help2man names the page after the program it runs: a wrapper called openndis-CMD
  file(GENERATE OUTPUT ${man_dir}/bin/${page}
       CONTENT "#!/bin/sh\nexec \"$<TARGET_FILE:openndis-cli>\"${args} \"$@\"\n"
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  add_custom_command(OUTPUT ${man_dir}/${page}.1
    COMMAND ${OPENNDIS_HELP2MAN} --no-info --no-discard-stderr --section=1 --version-string=${PROJECT_VERSION}
            --name=${summary} --include=${PROJECT_SOURCE_DIR}/man/common.h2m --output=${man_dir}/${page}.1
            ${man_dir}/bin/${page}
    DEPENDS openndis-cli openndis-port ${PROJECT_SOURCE_DIR}/man/common.h2m
    COMMENT "Generating the man page ${page}(1) from its --help" VERBATIM)
  list(APPEND OPENNDIS_MAN_PAGES ${man_dir}/${page}.1)
endforeach()
add_custom_target(man ALL DEPENDS ${OPENNDIS_MAN_PAGES})
install(FILES ${OPENNDIS_MAN_PAGES} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT openndis)
