# The dashboard: its data built from a real LMDB store (unit), and the page in a real browser
# (headless Chromium) — the static report of a replay, the live page against a running daemon.

slob_add_unit_test(dashboard_unit_tests
  SOURCES unit/dashboard_data_test.cpp
  LIBRARIES slob_core slob_lmdb
  PREFIX unit)
target_include_directories(dashboard_unit_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support
                           ${CMAKE_CURRENT_SOURCE_DIR}/integration)

# Debian's chromium (tools/install-deps.sh installs it; the live page's test also serves it with
# Debian's /usr/bin/python3). Without it the browser tests are not built, and CMake says so.
find_program(SLOB_CHROMIUM NAMES chromium chromium-browser)
if(SLOB_CHROMIUM)
  slob_add_unit_test(dashboard_browser_tests
    SOURCES integration/dashboard_browser_test.cpp
    LIBRARIES slob_core
    DEPENDS slob-host slob-ctl slob-plugin-sim slob-plugin-lmdb slob-plugin-slob slob-plugin-http
    PREFIX integration
    TIMEOUT 600)
  target_include_directories(dashboard_browser_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
  target_compile_definitions(dashboard_browser_tests PRIVATE
    SLOB_HOST_BIN="$<TARGET_FILE:slob-host>"
    SLOB_CTL_BIN="$<TARGET_FILE:slob-ctl>"
    SLOB_CHROMIUM="${SLOB_CHROMIUM}")
else()
  message(WARNING "chromium not found: the dashboard's browser tests are not built "
                  "(tools/install-deps.sh installs it)")
endif()
