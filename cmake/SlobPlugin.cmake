# slob_add_plugin(<name> SOURCES <src>... [LIBRARIES <lib>...] [OUTPUT_DIR <dir>] [TARGET <t>])
#
# Builds libslob-<name>.so (target slob-plugin-<name>) the way the host can load and unload it
# safely. Used in the source tree and installed with the SDK (find_package(SlobSdk)), so
# out-of-tree plugins get exactly the same flags; OUTPUT_DIR defaults to SLOB_PLUGIN_OUTPUT_DIR,
# else the current binary directory. TARGET (default slob-plugin-<name>) lets a second build of
# one plugin (another version, for reload tests) live in another OUTPUT_DIR under the same file
# name. What it sets, and why:
# - hidden visibility: only the descriptor alias is exported;
# - -fno-gnu-unique: STB_GNU_UNIQUE symbols would silently keep the library mapped after
#   dlclose, so a rebuilt plugin at the same path would run the old code (toolchain pitfall 1);
# - --no-undefined and -z now: a missing symbol fails at link time, not at first call.
function(slob_add_plugin name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIR;TARGET" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_OUTPUT_DIR)
    set(ARG_OUTPUT_DIR "${SLOB_PLUGIN_OUTPUT_DIR}")
  endif()
  if(NOT ARG_OUTPUT_DIR)
    set(ARG_OUTPUT_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  endif()
  set(target "slob-plugin-${name}")
  if(ARG_TARGET)
    set(target "${ARG_TARGET}")
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME "slob-${name}"
    PREFIX "lib"
    LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIR}"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_compile_options(${target} PRIVATE $<$<CXX_COMPILER_ID:GNU>:-fno-gnu-unique>)
  target_link_options(${target} PRIVATE -Wl,--no-undefined -Wl,-z,now)
  target_link_libraries(${target} PRIVATE Slob::sdk ${ARG_LIBRARIES})
endfunction()
