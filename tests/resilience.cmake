# kill -9 at every crash point of the order path (core/src/runtime/crash_points.hpp), with real
# slob-host processes against the sim broker and against the IB gateway simulator. CTest names
# start with "resilience:".
slob_add_unit_test(resilience_tests
  SOURCES integration/resilience_test.cpp integration/crash_sweep_test.cpp
  LIBRARIES slob_core
  DEPENDS slob-host slob-plugin-sim slob-plugin-lmdb slob-plugin-slob slob-plugin-ib
          slob-plugin-teststrategy ib-gateway-sim
  PREFIX resilience)
target_include_directories(resilience_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support
                                                    ${CMAKE_CURRENT_SOURCE_DIR}/integration)
target_compile_definitions(resilience_tests PRIVATE
  SLOB_HOST_BIN="$<TARGET_FILE:slob-host>"
  SLOB_TEST_ONLY_PLUGIN_DIR="${SLOB_TEST_PLUGIN_OUTPUT}"
  SLOB_IB_GATEWAY_SIM="$<TARGET_FILE:ib-gateway-sim>")
