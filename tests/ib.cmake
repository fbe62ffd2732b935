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
