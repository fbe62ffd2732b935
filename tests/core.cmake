# Tests of the host core: unit tests of its parts, the loader against deliberately broken
# plugins, and real slob-host processes driven from the outside.

set(SLOB_TEST_PLUGIN_OUTPUT "${CMAKE_BINARY_DIR}/tests/plugins")
set(SLOB_BROKEN_PLUGIN_OUTPUT "${CMAKE_BINARY_DIR}/tests/broken-plugins")

# Test-only plugins the daemon can run with (never installed).
foreach(p IN ITEMS broker store strategy)
  slob_add_plugin(test${p} SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/plugins/test_${p}.cpp
                  OUTPUT_DIR ${SLOB_TEST_PLUGIN_OUTPUT})
  target_include_directories(slob-plugin-test${p} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/plugins)
endforeach()

# Broken on purpose, one failure mode each (Kea style). Loaded under the file name the test asks
# for; each file's own comment says what is wrong with it.
foreach(b IN ITEMS wrong_abi wrong_signature wrong_kind throwing_factory no_descriptor wrong_name
                   no_factory)
  string(REPLACE "_" "" plugin_name ${b})
  slob_add_plugin(${plugin_name} SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/plugins/broken/${b}.cpp
                  OUTPUT_DIR ${SLOB_BROKEN_PLUGIN_OUTPUT})
  list(APPEND SLOB_BROKEN_PLUGIN_TARGETS slob-plugin-${plugin_name})
endforeach()
# Not a shared library at all: text with a .so name.
file(WRITE "${SLOB_BROKEN_PLUGIN_OUTPUT}/libslob-garbage.so" "this is not an ELF file\n")

set(SLOB_CORE_TEST_PLUGINS slob-plugin-testbroker slob-plugin-teststore slob-plugin-teststrategy
    ${SLOB_BROKEN_PLUGIN_TARGETS})

slob_add_unit_test(core_unit_tests
  SOURCES
    unit/config_test.cpp
    unit/lifecycle_test.cpp
    unit/connection_supervisor_test.cpp
    unit/maintenance_schedule_test.cpp
    unit/reconciler_test.cpp
    unit/risk_test.cpp
    unit/shutdown_sequence_test.cpp
    unit/plugin_loader_test.cpp
  LIBRARIES slob_core
  DEPENDS ${SLOB_CORE_TEST_PLUGINS}
  PREFIX unit)
target_include_directories(core_unit_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
target_compile_definitions(core_unit_tests PRIVATE
  SLOB_TEST_ONLY_PLUGIN_DIR="${SLOB_TEST_PLUGIN_OUTPUT}")

slob_add_unit_test(core_process_tests
  SOURCES integration/host_process_test.cpp
  LIBRARIES slob_core
  DEPENDS slob-host slob-ctl ${SLOB_CORE_TEST_PLUGINS}
  PREFIX integration)
target_include_directories(core_process_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
target_compile_definitions(core_process_tests PRIVATE
  SLOB_TEST_ONLY_PLUGIN_DIR="${SLOB_TEST_PLUGIN_OUTPUT}"
  SLOB_HOST_BIN="$<TARGET_FILE:slob-host>"
  SLOB_CTL_BIN="$<TARGET_FILE:slob-ctl>")

# The main job with the real plugins, end to end.
slob_add_unit_test(main_job_tests
  SOURCES integration/main_job_test.cpp integration/shutdown_policy_test.cpp
  LIBRARIES slob_core
  DEPENDS slob-host slob-plugin-sim slob-plugin-lmdb slob-plugin-slob
  PREFIX integration)
target_include_directories(main_job_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
target_compile_definitions(main_job_tests PRIVATE SLOB_HOST_BIN="$<TARGET_FILE:slob-host>")


# The ib plugin's sockets complete inside the host's io_context: the host must export its
# Boost.Asio statics so a plugin binds to them (core/app/asio-exports.list). Without it the
# daemon crashed at random after connecting to a gateway. Checked on the symbol the crash was in.
add_test(NAME "integration:slob-host exports its Boost.Asio to plugins"
  COMMAND sh -c "\"$1\" -D --defined-only \"$2\" | grep -q \"$3\"" sh ${CMAKE_NM} $<TARGET_FILE:slob-host>
          _ZN5boost4asio6detail15keyword_tss_ptrINS1_10call_stackINS1_14thread_contextENS1_16thread_info_baseEE7contextEE6value_E)
