# Tests of the slob strategy plugin (plugins/slob), the core's candle builder and the strategy
# scan. CTest names start with "slob:".
slob_add_unit_test(slob_strategy_tests
  SOURCES
    unit/slob_config_test.cpp
    unit/slob_rules_test.cpp
    unit/slob_sessions_test.cpp
    unit/slob_state_test.cpp
    unit/slob_worked_example_test.cpp
    unit/slob_scan_test.cpp
    unit/slob_json_writer_test.cpp
  LIBRARIES slob_strategy_lib slob_core nlohmann_json::nlohmann_json
  PREFIX slob)
target_include_directories(slob_strategy_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)

slob_add_unit_test(slob_candle_builder_tests
  SOURCES unit/candle_builder_test.cpp
  LIBRARIES slob_core
  PREFIX slob)
target_include_directories(slob_candle_builder_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)

# Loads the built module through the host's loader.
slob_add_unit_test(slob_plugin_tests
  SOURCES unit/slob_plugin_test.cpp
  LIBRARIES slob_strategy_lib slob_core nlohmann_json::nlohmann_json
  DEPENDS slob-plugin-slob
  PREFIX slob)
target_include_directories(slob_plugin_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
