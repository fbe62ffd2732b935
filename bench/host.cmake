# Whole-daemon benchmarks (tools/bench.sh; docs/performance.md, "All figures"). They start the
# real slob-host, plugins and tools/ib-gateway-sim as processes; bench_support.hpp times them.
add_executable(bench_noop ${CMAKE_CURRENT_LIST_DIR}/noop_main.cpp)

add_executable(bench_replay ${CMAKE_CURRENT_LIST_DIR}/replay_bench.cpp)
target_link_libraries(bench_replay PRIVATE slob_lmdb)

add_executable(bench_trigger_latency ${CMAKE_CURRENT_LIST_DIR}/trigger_latency_bench.cpp)
target_link_libraries(bench_trigger_latency PRIVATE slob_lmdb Threads::Threads)

add_executable(bench_daemon ${CMAKE_CURRENT_LIST_DIR}/daemon_bench.cpp)
target_include_directories(bench_daemon PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
target_link_libraries(bench_daemon PRIVATE slob_lmdb slob_core)

# The strategy of the trigger-to-order benchmark, in its own directory so no daemon config of
# the product can load it by accident.
slob_add_plugin(benchtrigger SOURCES ${CMAKE_CURRENT_LIST_DIR}/trigger_strategy.cpp
                OUTPUT_DIR ${CMAKE_BINARY_DIR}/bench/plugins)
