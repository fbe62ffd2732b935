# Tests of the host core: unit tests of its parts, the loader against deliberately broken
# plugins, and real slob-host processes driven from the outside.

set(SLOB_TEST_PLUGIN_OUTPUT "${CMAKE_BINARY_DIR}/tests/plugins")
set(SLOB_BROKEN_PLUGIN_OUTPUT "${CMAKE_BINARY_DIR}/tests/broken-plugins")

# Test-only plugins the daemon can run with (never installed).
foreach(p IN ITEMS broker store strategy observer)
  slob_add_plugin(test${p} SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/plugins/test_${p}.cpp
                  OUTPUT_DIR ${SLOB_TEST_PLUGIN_OUTPUT})
  target_include_directories(slob-plugin-test${p} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/plugins)
endforeach()

# The same test strategy as another version, for "a rebuilt plugin at the same path".
set(SLOB_TEST_PLUGIN_V2_OUTPUT "${CMAKE_BINARY_DIR}/tests/plugins-v2")
slob_add_plugin(teststrategy TARGET slob-plugin-teststrategy-v2
                SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/plugins/test_strategy.cpp
                OUTPUT_DIR ${SLOB_TEST_PLUGIN_V2_OUTPUT})
target_include_directories(slob-plugin-teststrategy-v2 PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/plugins)
target_compile_definitions(slob-plugin-teststrategy-v2 PRIVATE SLOB_TEST_PLUGIN_VERSION="0.2.0-test")

# Broken on purpose, one failure mode each (Kea style). Loaded under the file name the test asks
# for; each file's own comment says what is wrong with it.
foreach(b IN ITEMS wrong_abi wrong_stdlib wrong_kind throwing_factory no_descriptor wrong_name
                   no_factory)
  string(REPLACE "_" "" plugin_name ${b})
  slob_add_plugin(${plugin_name} SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/plugins/broken/${b}.cpp
                  OUTPUT_DIR ${SLOB_BROKEN_PLUGIN_OUTPUT})
  list(APPEND SLOB_BROKEN_PLUGIN_TARGETS slob-plugin-${plugin_name})
endforeach()
# Not a shared library at all: text with a .so name.
file(WRITE "${SLOB_BROKEN_PLUGIN_OUTPUT}/libslob-garbage.so" "this is not an ELF file\n")

# The test strategy against other SDK versions and ABIs (sets SLOB_COMPAT_PLUGIN_TARGETS).
include(${CMAKE_CURRENT_LIST_DIR}/sdk_compat.cmake)

set(SLOB_CORE_TEST_PLUGINS slob-plugin-testbroker slob-plugin-teststore slob-plugin-teststrategy slob-plugin-testobserver
    slob-plugin-teststrategy-v2 ${SLOB_BROKEN_PLUGIN_TARGETS} ${SLOB_COMPAT_PLUGIN_TARGETS})

slob_add_unit_test(core_unit_tests
  SOURCES
    unit/build_compatibility_test.cpp
    unit/config_test.cpp
    unit/crash_points_test.cpp
    unit/delivery_backoff_test.cpp
    unit/observer_delivery_test.cpp
    unit/lifecycle_test.cpp
    unit/log_file_sink_test.cpp
    unit/order_gate_test.cpp
    unit/order_journal_test.cpp
    unit/live_reconcile_test.cpp
    unit/reconcile_session_test.cpp
    unit/connection_supervisor_test.cpp
    unit/maintenance_schedule_test.cpp
    unit/metrics_test.cpp
    unit/reconciler_test.cpp
    unit/risk_test.cpp
    unit/trading_day_test.cpp
    unit/shutdown_sequence_test.cpp
    unit/plugin_loader_test.cpp
    unit/plugin_retirement_test.cpp
    unit/reload_plan_test.cpp
    unit/trade_book_test.cpp
  LIBRARIES slob_core
  DEPENDS ${SLOB_CORE_TEST_PLUGINS}
  PREFIX unit)
target_include_directories(core_unit_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
target_compile_definitions(core_unit_tests PRIVATE
  SLOB_TEST_ONLY_PLUGIN_DIR="${SLOB_TEST_PLUGIN_OUTPUT}")
if(SLOB_TEST_CLANG_PLUGIN_DIR)
  target_compile_definitions(core_unit_tests PRIVATE
    SLOB_TEST_CLANG_PLUGIN_DIR="${SLOB_TEST_CLANG_PLUGIN_DIR}")
endif()

# The trading engine on simulated time with the real LMDB store.
slob_add_unit_test(core_engine_tests
  SOURCES unit/trading_engine_test.cpp
  LIBRARIES slob_core slob_lmdb
  PREFIX unit)
target_include_directories(core_engine_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support
                           ${CMAKE_CURRENT_SOURCE_DIR}/integration)

slob_add_unit_test(core_process_tests
  SOURCES integration/host_process_test.cpp integration/plugin_files_test.cpp
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
          integration/sim_manual_actions_test.cpp
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

# Hot reload in real processes: the main job's plugins, test plugins, broken ones.
slob_add_unit_test(reload_tests
  SOURCES integration/reload_test.cpp
  LIBRARIES slob_core
  DEPENDS slob-host slob-ctl slob-plugin-sim slob-plugin-lmdb slob-plugin-slob slob-plugin-ib
          ib-gateway-sim ${SLOB_CORE_TEST_PLUGINS}
  PREFIX integration)
target_include_directories(reload_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support
                           ${CMAKE_CURRENT_SOURCE_DIR}/integration)
target_compile_definitions(reload_tests PRIVATE
  SLOB_TEST_ONLY_PLUGIN_DIR="${SLOB_TEST_PLUGIN_OUTPUT}"
  SLOB_TEST_PLUGIN_V2_DIR="${SLOB_TEST_PLUGIN_V2_OUTPUT}"
  SLOB_IB_GATEWAY_SIM="$<TARGET_FILE:ib-gateway-sim>"
  SLOB_HOST_BIN="$<TARGET_FILE:slob-host>"
  SLOB_CTL_BIN="$<TARGET_FILE:slob-ctl>")

# The daemon under hostile or careless use (control clients, signals, paths, failed writes).
slob_add_unit_test(host_hardening_tests
  SOURCES integration/host_hardening_test.cpp
  LIBRARIES slob_core
  DEPENDS slob-host slob-ctl ${SLOB_CORE_TEST_PLUGINS} slob-plugin-sim slob-plugin-lmdb slob-plugin-slob
  PREFIX integration)
target_include_directories(host_hardening_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
target_compile_definitions(host_hardening_tests PRIVATE
  SLOB_TEST_ONLY_PLUGIN_DIR="${SLOB_TEST_PLUGIN_OUTPUT}"
  SLOB_HOST_BIN="$<TARGET_FILE:slob-host>"
  SLOB_CTL_BIN="$<TARGET_FILE:slob-ctl>")

# The log under systemd and in files, from real processes. journal-capture runs the daemon with a
# socket where libsystemd sends, in a private mount namespace (root only; the cases say so).
add_executable(journal-capture support/journal_capture.cpp)
target_link_libraries(journal-capture PRIVATE nlohmann_json::nlohmann_json)
slob_add_unit_test(logging_tests
  SOURCES integration/logging_test.cpp
  LIBRARIES slob_core
  DEPENDS slob-host slob-ctl journal-capture ${SLOB_CORE_TEST_PLUGINS} slob-plugin-sim slob-plugin-lmdb
          slob-plugin-slob
  PREFIX integration)
target_include_directories(logging_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
target_compile_definitions(logging_tests PRIVATE
  SLOB_TEST_ONLY_PLUGIN_DIR="${SLOB_TEST_PLUGIN_OUTPUT}"
  SLOB_HOST_BIN="$<TARGET_FILE:slob-host>"
  SLOB_CTL_BIN="$<TARGET_FILE:slob-ctl>"
  SLOB_JOURNAL_CAPTURE_BIN="$<TARGET_FILE:journal-capture>")

# Observers ([[observer]]) in real slob-host processes: the event stream, delivery across
# outages and kill -9, slob-ctl observers / alert-test, reload.
slob_add_unit_test(observer_host_tests
  SOURCES integration/observer_host_test.cpp
  LIBRARIES slob_core
  DEPENDS slob-host slob-ctl ${SLOB_CORE_TEST_PLUGINS} slob-plugin-sim slob-plugin-lmdb slob-plugin-slob
  PREFIX integration
  TIMEOUT 600)
target_include_directories(observer_host_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
target_compile_definitions(observer_host_tests PRIVATE
  SLOB_TEST_ONLY_PLUGIN_DIR="${SLOB_TEST_PLUGIN_OUTPUT}"
  SLOB_HOST_BIN="$<TARGET_FILE:slob-host>"
  SLOB_CTL_BIN="$<TARGET_FILE:slob-ctl>")

# `slob-ctl metrics` of a daemon that replayed the bundled data, checked by promtool (Debian's
# prometheus package, tools/install-deps.sh) and against the replay's known results.
find_program(SLOB_PROMTOOL promtool)
slob_add_unit_test(metrics_tests
  SOURCES integration/metrics_scrape_test.cpp
  LIBRARIES slob_core
  DEPENDS slob-host slob-ctl slob-plugin-sim slob-plugin-lmdb slob-plugin-slob
  PREFIX integration)
target_include_directories(metrics_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
target_compile_definitions(metrics_tests PRIVATE
  SLOB_PROMTOOL="$<IF:$<BOOL:${SLOB_PROMTOOL}>,${SLOB_PROMTOOL},>"
  SLOB_HOST_BIN="$<TARGET_FILE:slob-host>"
  SLOB_CTL_BIN="$<TARGET_FILE:slob-ctl>")
