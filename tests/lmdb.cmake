# Tests of the lmdb store plugin (plugins/lmdb), record_json (core/src) and the crash test with
# real processes (tools/lmdb-crash-writer). CTest names "lmdb:*".
set(_lmdb_tests ${CMAKE_CURRENT_LIST_DIR})

slob_add_unit_test(lmdb_unit_tests
  SOURCES
    ${_lmdb_tests}/unit/lmdb_candle_hours_test.cpp
    ${_lmdb_tests}/unit/lmdb_codec_test.cpp
    ${_lmdb_tests}/unit/lmdb_config_test.cpp
    ${_lmdb_tests}/unit/lmdb_fixture_test.cpp
    ${_lmdb_tests}/unit/lmdb_intent_log_test.cpp
    ${_lmdb_tests}/unit/lmdb_record_json_test.cpp
    ${_lmdb_tests}/unit/lmdb_refusal_test.cpp
    ${_lmdb_tests}/unit/lmdb_store_test.cpp
  LIBRARIES slob_lmdb slob_core
  PREFIX lmdb)
target_include_directories(lmdb_unit_tests PRIVATE ${_lmdb_tests}/integration ${_lmdb_tests}/support)

slob_add_unit_test(lmdb_integration_tests
  SOURCES
    ${_lmdb_tests}/integration/lmdb_check_test.cpp
    ${_lmdb_tests}/integration/lmdb_crash_test.cpp
    ${_lmdb_tests}/integration/lmdb_plugin_module_test.cpp
  LIBRARIES slob_lmdb slob_core lmdb_crash_batches
  DEPENDS lmdb-crash-writer slob-plugin-lmdb
  PREFIX lmdb)
target_include_directories(lmdb_integration_tests PRIVATE ${_lmdb_tests}/integration ${_lmdb_tests}/support)
target_compile_definitions(lmdb_integration_tests PRIVATE
  LMDB_CRASH_WRITER="$<TARGET_FILE:lmdb-crash-writer>"
  LMDB_PLUGIN_MODULE="$<TARGET_FILE:slob-plugin-lmdb>")

# The store under a real slob-host (sim + lmdb + slob): read-only export and --check, lost and
# damaged stores (tests/integration/lmdb_host_test.cpp).
slob_add_unit_test(lmdb_host_tests
  SOURCES ${_lmdb_tests}/integration/lmdb_host_test.cpp
  LIBRARIES slob_lmdb slob_core
  DEPENDS slob-host slob-plugin-sim slob-plugin-lmdb slob-plugin-slob
  PREFIX lmdb)
target_include_directories(lmdb_host_tests PRIVATE ${_lmdb_tests}/integration ${_lmdb_tests}/support)
target_compile_definitions(lmdb_host_tests PRIVATE SLOB_HOST_BIN="$<TARGET_FILE:slob-host>")
