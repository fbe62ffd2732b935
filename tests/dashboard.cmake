# The dashboard: its data built from a real LMDB store (unit), and the page in a real browser
# (headless Chromium) — the static report of a replay, the live page against a running daemon.

slob_add_unit_test(dashboard_unit_tests
  SOURCES unit/dashboard_data_test.cpp
  LIBRARIES slob_core slob_lmdb
  PREFIX unit)
target_include_directories(dashboard_unit_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support
                           ${CMAKE_CURRENT_SOURCE_DIR}/integration)

# Debian's chromium and python3 (tools/install-deps.sh installs both). Without them the browser
# tests are not built, and CMake says so.
find_program(SLOB_CHROMIUM NAMES chromium chromium-browser)
find_program(SLOB_PYTHON3 NAMES python3)
if(SLOB_CHROMIUM AND SLOB_PYTHON3)
  slob_add_unit_test(dashboard_browser_tests
    SOURCES integration/dashboard_browser_test.cpp
    LIBRARIES slob_core
    DEPENDS slob-host slob-ctl slob-plugin-sim slob-plugin-lmdb slob-plugin-slob
    PREFIX integration
    TIMEOUT 600)
  target_include_directories(dashboard_browser_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
  target_compile_definitions(dashboard_browser_tests PRIVATE
    SLOB_HOST_BIN="$<TARGET_FILE:slob-host>"
    SLOB_CTL_BIN="$<TARGET_FILE:slob-ctl>"
    SLOB_CHROMIUM="${SLOB_CHROMIUM}"
    SLOB_PYTHON3="${SLOB_PYTHON3}")
else()
  message(WARNING "chromium or python3 not found: the dashboard's browser tests are not built "
                  "(tools/install-deps.sh installs them)")
endif()
