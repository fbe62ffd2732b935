# The SDK's compatibility promise (sdk/README.md "Compatibility") on real builds: the test
# strategy (plugins/test_strategy.cpp) compiled against other SDK version headers, and with the
# old libstdc++ string ABI, each into its own folder under its usual file name
# libslob-teststrategy.so. Included by core.cmake: the loader's tests load them.

set(SLOB_SDK_VERSION_HPP "${PROJECT_SOURCE_DIR}/sdk/include/slob/sdk/version.hpp")
# The numbers are written once, in the header; editing it reconfigures.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${SLOB_SDK_VERSION_HPP}")
file(READ "${SLOB_SDK_VERSION_HPP}" _sdk_version_text)
foreach(part IN ITEMS MAJOR MINOR PATCH)
  if(NOT _sdk_version_text MATCHES "#define SLOB_SDK_VERSION_${part} ([0-9]+)")
    message(FATAL_ERROR "${SLOB_SDK_VERSION_HPP}: no SLOB_SDK_VERSION_${part}")
  endif()
  set(_sdk_${part} ${CMAKE_MATCH_1})
endforeach()

# Writes <dir>/slob/sdk/version.hpp: the SDK's own header with other numbers. A folder with it,
# searched before sdk/include, makes a build "against SDK major.minor.patch".
function(slob_sdk_version_header dir major minor patch)
  set(text "${_sdk_version_text}")
  foreach(part IN ITEMS MAJOR MINOR PATCH)
    string(TOLOWER ${part} var)
    string(REGEX REPLACE "#define SLOB_SDK_VERSION_${part} [0-9]+"
                         "#define SLOB_SDK_VERSION_${part} ${${var}}" text "${text}")
  endforeach()
  file(CONFIGURE OUTPUT "${dir}/slob/sdk/version.hpp" CONTENT "${text}" @ONLY)
endfunction()

# The host's SDK one minor later, and the next major.
math(EXPR _sdk_next_minor "${_sdk_MINOR} + 1")
math(EXPR _sdk_next_major "${_sdk_MAJOR} + 1")
set(SLOB_SDK_NEXT_MINOR_HEADERS "${CMAKE_BINARY_DIR}/tests/sdk-next-minor")
slob_sdk_version_header(${SLOB_SDK_NEXT_MINOR_HEADERS} ${_sdk_MAJOR} ${_sdk_next_minor} 0)
set(SLOB_SDK_NEXT_MAJOR_HEADERS "${CMAKE_BINARY_DIR}/tests/sdk-next-major")
slob_sdk_version_header(${SLOB_SDK_NEXT_MAJOR_HEADERS} ${_sdk_next_major} 0 0)

# slob_compat_strategy(<tag> [HEADERS <dir>] [DEFINITIONS <def>...]): the test strategy built
# into tests/plugins-<tag>/, with <dir> searched before the SDK's headers.
function(slob_compat_strategy tag)
  cmake_parse_arguments(ARG "" "HEADERS" "DEFINITIONS" ${ARGN})
  set(target slob-plugin-teststrategy-${tag})
  slob_add_plugin(teststrategy TARGET ${target}
                  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/plugins/test_strategy.cpp
                  OUTPUT_DIR ${CMAKE_BINARY_DIR}/tests/plugins-${tag})
  target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/plugins)
  if(ARG_HEADERS)
    target_include_directories(${target} BEFORE PRIVATE ${ARG_HEADERS})
  endif()
  target_compile_definitions(${target} PRIVATE ${ARG_DEFINITIONS})
  list(APPEND SLOB_COMPAT_PLUGIN_TARGETS ${target})
  set(SLOB_COMPAT_PLUGIN_TARGETS ${SLOB_COMPAT_PLUGIN_TARGETS} PARENT_SCOPE)
endfunction()

# Against the frozen 2.0.0 header (plugins/sdk-2.0.0/): every 2.x host must load it.
slob_compat_strategy(sdk-2.0.0 HEADERS ${CMAKE_CURRENT_SOURCE_DIR}/plugins/sdk-2.0.0)
# Newer than the host: refused.
slob_compat_strategy(sdk-next-minor HEADERS ${SLOB_SDK_NEXT_MINOR_HEADERS})
slob_compat_strategy(sdk-next-major HEADERS ${SLOB_SDK_NEXT_MAJOR_HEADERS})
# libstdc++'s old std::string and std::list: refused.
slob_compat_strategy(cxx11abi0 DEFINITIONS _GLIBCXX_USE_CXX11_ABI=0)

# Compiled by Clang while the tree is built by GCC: the compiler must not decide. A custom
# command, as CMake builds one language with one compiler; the flags are slob_add_plugin()'s.
# Without a clang++ the case is not compiled (SLOB_TEST_CLANG_PLUGIN_DIR undefined).
find_program(SLOB_CLANGXX NAMES clang++)
if(SLOB_CLANGXX AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set(SLOB_TEST_CLANG_PLUGIN_DIR "${CMAKE_BINARY_DIR}/tests/plugins-clang")
  set(_clang_plugin "${SLOB_TEST_CLANG_PLUGIN_DIR}/libslob-teststrategy.so")
  add_custom_command(OUTPUT ${_clang_plugin}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${SLOB_TEST_CLANG_PLUGIN_DIR}
    COMMAND ${SLOB_CLANGXX} -std=c++20 -O1 -fPIC -shared -fvisibility=hidden
            -fvisibility-inlines-hidden -DBOOST_DLL_USE_STD_FS
            -I${PROJECT_SOURCE_DIR}/sdk/include -I${CMAKE_CURRENT_SOURCE_DIR}/plugins
            -MD -MF ${_clang_plugin}.d -Wl,--no-undefined -Wl,-z,now
            ${CMAKE_CURRENT_SOURCE_DIR}/plugins/test_strategy.cpp -o ${_clang_plugin}
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/plugins/test_strategy.cpp
    DEPFILE ${_clang_plugin}.d
    COMMENT "Building the test strategy with ${SLOB_CLANGXX}"
    VERBATIM)
  add_custom_target(slob-plugin-teststrategy-clang DEPENDS ${_clang_plugin})
  list(APPEND SLOB_COMPAT_PLUGIN_TARGETS slob-plugin-teststrategy-clang)
endif()

# A host one SDK minor newer than this tree's: the loader's own sources compiled against the
# next-minor header (not linked with slob_core, whose objects say this tree's version). It must
# load the strategy built against the frozen 2.0.0 header and run it.
slob_add_unit_test(sdk_compat_tests
  SOURCES unit/sdk_compat_host_test.cpp
          ${PROJECT_SOURCE_DIR}/core/src/plugins/build_compatibility.cpp
          ${PROJECT_SOURCE_DIR}/core/src/plugins/elf_check.cpp
          ${PROJECT_SOURCE_DIR}/core/src/plugins/file_identity.cpp
          ${PROJECT_SOURCE_DIR}/core/src/plugins/plugin_library.cpp
          ${PROJECT_SOURCE_DIR}/core/src/runtime/simulated_clock.cpp
  LIBRARIES slob_sdk
  DEPENDS slob-plugin-teststrategy-sdk-2.0.0
  PREFIX sdk)
target_include_directories(sdk_compat_tests BEFORE PRIVATE ${SLOB_SDK_NEXT_MINOR_HEADERS})
target_include_directories(sdk_compat_tests PRIVATE ${PROJECT_SOURCE_DIR}/core/src
                           ${CMAKE_CURRENT_SOURCE_DIR}/support)
