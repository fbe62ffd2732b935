# The hot-reload pause against the time to handle one candle, in a real slob-host process
# (docs/performance.md, "Hot reload").
add_executable(bench_reload ${CMAKE_CURRENT_LIST_DIR}/reload_bench.cpp)
target_include_directories(bench_reload PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
target_link_libraries(bench_reload PRIVATE slob_core)
target_compile_definitions(bench_reload PRIVATE
  SLOB_HOST_BIN="$<TARGET_FILE:slob-host>"
  SLOB_PLUGIN_DIR="${SLOB_PLUGIN_OUTPUT_DIR}")
add_dependencies(bench_reload slob-host slob-plugin-sim slob-plugin-lmdb slob-plugin-slob)
