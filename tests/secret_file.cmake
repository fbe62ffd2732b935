# Plugin secrets from files (plugins/secret_file: slob_secret_file). All CTest names start with
# "secret_file:".
slob_add_unit_test(secret_file_tests
  SOURCES unit/secret_file_test.cpp
  LIBRARIES slob_secret_file
  PREFIX secret_file
  TIMEOUT 30)
target_include_directories(secret_file_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
