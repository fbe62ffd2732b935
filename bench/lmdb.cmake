# Benchmarks of the lmdb store plugin (figures in docs/performance.md, "Store (lmdb)").
foreach(bench IN ITEMS commit recovery)
  add_executable(bench_lmdb_${bench} ${CMAKE_CURRENT_LIST_DIR}/lmdb_${bench}_bench.cpp)
  target_include_directories(bench_lmdb_${bench} PRIVATE
    ${CMAKE_CURRENT_LIST_DIR} ${PROJECT_SOURCE_DIR}/tests/support)
  target_link_libraries(bench_lmdb_${bench} PRIVATE slob_lmdb slob_core)
endforeach()
