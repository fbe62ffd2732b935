# Tests of the Interactive Brokers connector (plugins/ib) and the gateway simulator
# (tools/ib-gateway-sim). All CTest names start with "ib:".
slob_add_unit_test(ib_codec_tests
  SOURCES
    unit/ib_wire_test.cpp
    unit/ib_outgoing_test.cpp
    unit/ib_incoming_test.cpp
    unit/ib_time_test.cpp
  LIBRARIES slob_ib_codec
  PREFIX ib)

slob_add_unit_test(ib_plugin_tests
  SOURCES
    unit/ib_bar_feed_test.cpp
    unit/ib_parts_test.cpp
    unit/ib_sim_messages_test.cpp
  LIBRARIES slob_ib slob_core ib_gateway_sim_lib
  PREFIX ib)
target_include_directories(ib_plugin_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)

# The simulator proven against a third-party client: @stoqey/ib 1.6.10 (tests/conformance,
# installed by `npm ci --prefix tests/conformance`). Skipped (77) only when node_modules is absent.
find_program(SLOB_NODE_EXECUTABLE node)
if(SLOB_NODE_EXECUTABLE)
  add_test(NAME "ib:conformance-stoqey"
    COMMAND ${SLOB_NODE_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/conformance/stoqey_conformance.js
            $<TARGET_FILE:ib-gateway-sim> ${CMAKE_CURRENT_BINARY_DIR}/ib-conformance)
else()
  add_test(NAME "ib:conformance-stoqey"
    COMMAND sh -c "echo 'SKIP: node is not installed'; exit 77")
endif()
set_tests_properties("ib:conformance-stoqey" PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)

# The plugin in-process against the simulator as a real child process.
slob_add_unit_test(ib_integration_tests
  SOURCES integration/ib_broker_test.cpp
  LIBRARIES slob_ib slob_core
  DEPENDS ib-gateway-sim
  PREFIX ib)
target_include_directories(ib_integration_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
target_compile_definitions(ib_integration_tests PRIVATE SLOB_IB_GATEWAY_SIM="$<TARGET_FILE:ib-gateway-sim>")
