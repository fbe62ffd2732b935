# The webhook observer plugin and its HTTP(S) POST transport (plugins/webhook). All CTest names
# start with "webhook:". The integration cases start tests/support/https_receiver.py under
# Debian's /usr/bin/python3 on 127.0.0.1 and make their certificates with the openssl CLI.

slob_add_unit_test(webhook_tests
  SOURCES
    unit/webhook_url_test.cpp
    integration/webhook_post_test.cpp
  LIBRARIES slob_http_post slob_core
  PREFIX webhook
  TIMEOUT 120)
target_include_directories(webhook_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
target_compile_definitions(webhook_tests PRIVATE
  SLOB_HTTPS_RECEIVER="${CMAKE_CURRENT_SOURCE_DIR}/support/https_receiver.py")

# The module, loaded in-process as slob-host loads it (a binary that exports its Boost.Asio and,
# like slob-host, has no Asio SSL code of its own: see tests/email.cmake), and the main job with
# the packaged alerts example in real slob-host processes.
slob_add_unit_test(webhook_module_tests
  SOURCES
    integration/webhook_observer_test.cpp
    integration/webhook_main_job_test.cpp
  LIBRARIES slob_core OpenSSL::Crypto
  DEPENDS slob-plugin-webhook slob-host slob-plugin-sim slob-plugin-lmdb slob-plugin-slob
          slob-plugin-teststrategy
  PREFIX webhook
  TIMEOUT 120)
target_include_directories(webhook_module_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
slob_export_asio_to_plugins(webhook_module_tests)
target_compile_definitions(webhook_module_tests PRIVATE
  SLOB_HOST_BIN="$<TARGET_FILE:slob-host>"
  SLOB_TEST_ONLY_PLUGIN_DIR="${SLOB_TEST_PLUGIN_OUTPUT}"
  SLOB_HTTPS_RECEIVER="${CMAKE_CURRENT_SOURCE_DIR}/support/https_receiver.py")
