# Tests of the SDK's example plugin (sdk/example/), loaded through the host's loader. CTest
# names start with "sdk:".
slob_add_unit_test(sdk_example_tests
  SOURCES unit/sdk_example_test.cpp
  LIBRARIES slob_core
  DEPENDS slob-plugin-breakout
  PREFIX sdk)

# The header-only SDK's own helpers (CSV reader, config reader, client references, trading
# day). date::date-tz: what a user of trading_day.hpp links.
slob_add_unit_test(sdk_unit_tests
  SOURCES unit/sdk_candle_csv_test.cpp unit/sdk_config_test.cpp unit/sdk_orders_test.cpp
          unit/sdk_trading_day_test.cpp
  LIBRARIES slob_sdk date::date-tz
  PREFIX sdk)
