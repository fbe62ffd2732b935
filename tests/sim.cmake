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
