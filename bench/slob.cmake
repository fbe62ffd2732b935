# Candle builder + slob strategy throughput against a plain CSV parse (docs/performance.md,
# "Strategy (slob)").
add_executable(slob_strategy_bench ${CMAKE_CURRENT_LIST_DIR}/slob_strategy_bench.cpp)
target_link_libraries(slob_strategy_bench PRIVATE slob_strategy_lib slob_core)
