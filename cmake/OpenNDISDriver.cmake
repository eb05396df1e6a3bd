# openndis_add_driver(<name> <sources>...)
# Builds an NDIS miniport from WDK-style C source as <name>.so, loadable by `openndis`.
function(openndis_add_driver name)
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE OpenNDIS::openndis)
  # WDK sources carry MSVC pragmas (alloc_text, warning, prefast) and four-character pool
  # tags (multi-character constants, same value as with MSVC). No sibling calls: every NDIS
  # call keeps a return address in the driver, so a violation names the driver's line.
  target_compile_options(${name} PRIVATE -Wno-unknown-pragmas -Wno-multichar -fno-optimize-sibling-calls)
  set_target_properties(${name} PROPERTIES PREFIX "" C_VISIBILITY_PRESET default)
endfunction()
