# The sim broker plugin and the NQ data generator (area "sim").
slob_add_unit_test(sim_order_book_test
  SOURCES unit/sim_order_book_test.cpp
  LIBRARIES slob_sim_broker
  PREFIX sim)
slob_add_unit_test(sim_broker_test
  SOURCES unit/sim_broker_test.cpp unit/sim_config_test.cpp
  LIBRARIES slob_sim_broker slob_core
  PREFIX sim)
slob_add_unit_test(sim_gen_test
  SOURCES unit/sim_gen_test.cpp
  LIBRARIES slob_gen_nq_data
  PREFIX sim)

# The committed sample is exactly what its documented command writes.
add_test(NAME "sim:sample regenerates byte-identically"
  COMMAND sh -c "\"$1\" \"$2\" \"$3\" && cmp \"$3\" \"$4\"" sh
          ${PROJECT_SOURCE_DIR}/tools/data/regenerate-sample.sh $<TARGET_FILE:gen-nq-data>
          ${CMAKE_CURRENT_BINARY_DIR}/nq-sample-regenerated.csv
          ${PROJECT_SOURCE_DIR}/tools/data/nq-sample.csv)

# The committed sample holds the setups tools/data/README.md lists, as the real strategy sees
# them (needs slob-host and the slob plugin built).
add_test(NAME "sim:sample holds the documented setups"
  COMMAND sh -c "\"$1\" \"$2\" \"$3\" \"$4\" \"$5\" > \"$5.txt\" && diff -u \"$6\" \"$5.txt\"" sh
          ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/sim/scan-sample.sh $<TARGET_FILE:slob-host>
          ${SLOB_PLUGIN_OUTPUT_DIR} ${PROJECT_SOURCE_DIR}/tools/data/nq-sample.csv
          ${CMAKE_CURRENT_BINARY_DIR}/sim-sample-scan
          ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/sim/nq-sample-setups.txt)

# `slob-host --check` loads the real plugin: a bad data file is one line naming file and line,
# exit 78; a good one passes.
add_test(NAME "sim:check names the bad data file and line"
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/sim/check-config.sh $<TARGET_FILE:slob-host>
          ${SLOB_PLUGIN_OUTPUT_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/sim/bad_number.csv
          ${CMAKE_CURRENT_BINARY_DIR}/sim-check-bad)
set_tests_properties("sim:check names the bad data file and line" PROPERTIES
  PASS_REGULAR_EXPRESSION "fixtures/sim/bad_number.csv:3: close is not a number: \"25x\"\nexit 78\n$")
add_test(NAME "sim:check accepts good data"
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/sim/check-config.sh $<TARGET_FILE:slob-host>
          ${SLOB_PLUGIN_OUTPUT_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/sim/bars_12.csv
          ${CMAKE_CURRENT_BINARY_DIR}/sim-check-good)
set_tests_properties("sim:check accepts good data" PROPERTIES
  PASS_REGULAR_EXPRESSION "SLOB_SIM_DATA_LOADED: [^\n]*bars_12.csv: 12 bars[^\n]*\n.*: ok [^\n]*\nexit 0\n$")

# gen-nq-data refuses bad arguments with one line naming the argument, exit 2.
add_test(NAME "sim:gen-nq-data names a bad argument"
  COMMAND sh -c "\"$1\" --seed 1 --week 2026-01-06 2>&1; echo \"exit $?\"" sh
          $<TARGET_FILE:gen-nq-data>)
set_tests_properties("sim:gen-nq-data names a bad argument" PROPERTIES
  PASS_REGULAR_EXPRESSION "^gen-nq-data: week 2026-01-06 is not a Monday\nusage: [^$]*exit 2\n$")
