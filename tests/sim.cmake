# The sim broker plugin and the NQ data generator (area "sim").
slob_add_unit_test(sim_order_book_test
  SOURCES unit/sim_order_book_test.cpp
  LIBRARIES slob_sim_broker
  PREFIX sim)
slob_add_unit_test(sim_broker_test
  SOURCES unit/sim_broker_test.cpp unit/sim_config_test.cpp
  LIBRARIES slob_sim_broker slob_core
  PREFIX sim)
