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

# The ib tests need only the core's two clocks (simulated for unit tests, Asio for integration),
# not the whole host library: compiling just those keeps ib test builds (and the sanitizer build)
# independent of the rest of the core.
add_library(ib_test_clocks STATIC
  ${PROJECT_SOURCE_DIR}/core/src/runtime/asio_clock.cpp
  ${PROJECT_SOURCE_DIR}/core/src/runtime/simulated_clock.cpp)
target_include_directories(ib_test_clocks PUBLIC ${PROJECT_SOURCE_DIR}/core/src ${CMAKE_CURRENT_SOURCE_DIR}/support)
target_link_libraries(ib_test_clocks PUBLIC slob_sdk Boost::headers Threads::Threads)

slob_add_unit_test(ib_plugin_tests
  SOURCES
    unit/ib_bar_feed_test.cpp
    unit/ib_parts_test.cpp
    unit/ib_sim_messages_test.cpp
    unit/ib_sim_market_test.cpp
  LIBRARIES slob_ib ib_test_clocks ib_gateway_sim_lib
  PREFIX ib)

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
  SOURCES integration/ib_broker_test.cpp integration/ib_plugin_load_test.cpp
  LIBRARIES slob_ib ib_test_clocks
  DEPENDS ib-gateway-sim slob-plugin-ib
  PREFIX ib)
target_compile_definitions(ib_integration_tests PRIVATE SLOB_IB_GATEWAY_SIM="$<TARGET_FILE:ib-gateway-sim>")

# Decoder robustness: the seed corpus through the fuzz entry point (always, GCC), and libFuzzer
# for a bounded time when clang with its runtime is installed (skipped, 77, otherwise).
add_executable(ib_fuzz_corpus_runner fuzz/ib_corpus_runner.cpp fuzz/ib_decoder_fuzz.cpp)
target_link_libraries(ib_fuzz_corpus_runner PRIVATE slob_ib_codec)
add_test(NAME "ib:fuzz-corpus"
  COMMAND ib_fuzz_corpus_runner ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/ib/fuzz-corpus)
add_test(NAME "ib:fuzz-decoder"
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/run_ib_fuzz.sh ${PROJECT_SOURCE_DIR}
          ${CMAKE_CURRENT_BINARY_DIR}/ib-fuzz 20)
set_tests_properties("ib:fuzz-decoder" PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)

# The plugin inside a real slob-host process (ib + lmdb + slob) against the simulator, asserted
# as an operator sees it (tests/support/daemon_harness.hpp). Each case takes a few seconds.
slob_add_unit_test(ib_host_tests
  SOURCES integration/ib_host_test.cpp
  LIBRARIES nlohmann_json::nlohmann_json
  DEPENDS slob-host slob-ctl ib-gateway-sim slob-plugin-ib slob-plugin-lmdb slob-plugin-slob
  PREFIX ib
  TIMEOUT 180
  LABEL daemon)
target_include_directories(ib_host_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
target_compile_definitions(ib_host_tests PRIVATE
  SLOB_IB_GATEWAY_SIM="$<TARGET_FILE:ib-gateway-sim>"
  SLOB_HOST_BIN="$<TARGET_FILE:slob-host>"
  SLOB_CTL_BIN="$<TARGET_FILE:slob-ctl>")
