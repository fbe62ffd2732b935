# The telegram observer plugin (plugins/telegram), loaded as the host loads it and run against
# tests/support/https_receiver.py answering as the Bot API does. All CTest names start with
# "telegram:".
slob_add_unit_test(telegram_tests
  SOURCES integration/telegram_observer_test.cpp
  LIBRARIES slob_core OpenSSL::Crypto
  DEPENDS slob-plugin-telegram
  PREFIX telegram
  TIMEOUT 120)
target_include_directories(telegram_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
slob_export_asio_to_plugins(telegram_tests)
target_compile_definitions(telegram_tests PRIVATE
  SLOB_HTTPS_RECEIVER="${CMAKE_CURRENT_SOURCE_DIR}/support/https_receiver.py")
