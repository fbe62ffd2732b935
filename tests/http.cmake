# The http observer plugin (plugins/http) and HostServices::read_view from other threads
# (core/src/plugins/loop_views.hpp). All CTest names start with "http:". The integration cases
# run real slob-host processes with the plugin on 127.0.0.1 (ephemeral ports) and talk to them
# over raw sockets (tests/support/http_client.hpp); nothing loads the plugin in this process.

slob_add_unit_test(http_tests
  SOURCES
    unit/loop_views_test.cpp
    integration/http_daemon_test.cpp
    integration/http_hostile_test.cpp
  LIBRARIES slob_core
  DEPENDS slob-plugin-http slob-host slob-ctl slob-plugin-sim slob-plugin-lmdb slob-plugin-slob
  PREFIX http
  TIMEOUT 240)
target_include_directories(http_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support
                                              ${PROJECT_SOURCE_DIR}/core/src)
find_program(SLOB_PROMTOOL promtool)
target_compile_definitions(http_tests PRIVATE
  SLOB_PROMTOOL="$<IF:$<BOOL:${SLOB_PROMTOOL}>,${SLOB_PROMTOOL},>"
  SLOB_HOST_BIN="$<TARGET_FILE:slob-host>"
  SLOB_CTL_BIN="$<TARGET_FILE:slob-ctl>")
