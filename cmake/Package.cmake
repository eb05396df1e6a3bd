# Debian packages with CPack: `cpack -G DEB` in the build folder writes
#   openndis        the commands (openndis, openndis-port, openndis-wpp), man pages, completion
#   libopenndis0    libopenndis.so.0 (what drivers link) and libopenndis-client.so.0
#   libopenndis-dev headers, pkg-config files, the CMake package
# Dependencies on Debian's libraries come from dpkg-shlibdeps (package dpkg-dev).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME openndis)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "NDIS 6 miniport drivers in Linux user space, checked against the NDIS rules")
set(CPACK_PACKAGE_CONTACT "OpenNDIS developers <openndis@invalid>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL openndis libopenndis0 libopenndis-dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_OPENNDIS_PACKAGE_NAME openndis)
set(CPACK_DEBIAN_OPENNDIS_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_LIBOPENNDIS0_PACKAGE_NAME libopenndis0)
set(CPACK_DEBIAN_LIBOPENNDIS0_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_LIBOPENNDIS-DEV_PACKAGE_NAME libopenndis-dev)
set(CPACK_DEBIAN_LIBOPENNDIS-DEV_PACKAGE_SECTION libdevel)
# A driver built against the -dev package runs under the openndis command, and links the
# library of the same version; the headers are useless without either.
set(CPACK_DEBIAN_LIBOPENNDIS-DEV_PACKAGE_DEPENDS
    "libopenndis0 (= ${PROJECT_VERSION}), openndis (= ${PROJECT_VERSION}), pkgconf | pkg-config")
set(CPACK_COMPONENT_OPENNDIS_DESCRIPTION "NDIS 6 miniports in Linux user space: run, verify, port")
set(CPACK_COMPONENT_LIBOPENNDIS0_DESCRIPTION "OpenNDIS shared libraries: the driver interface and the client library")
set(CPACK_COMPONENT_LIBOPENNDIS-DEV_DESCRIPTION "OpenNDIS headers, pkg-config files and CMake package")
include(CPack)
