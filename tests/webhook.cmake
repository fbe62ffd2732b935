# The HTTP(S) POST transport of the alert plugins (plugins/webhook). All CTest names start with
# "webhook:". The integration cases start tests/support/https_receiver.py under Debian's
# /usr/bin/python3 on 127.0.0.1 and make their certificates with the openssl CLI.
slob_add_unit_test(webhook_tests
  SOURCES
    unit/webhook_url_test.cpp
    integration/webhook_post_test.cpp
  LIBRARIES slob_http_post
  PREFIX webhook
  TIMEOUT 120)
target_include_directories(webhook_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
target_compile_definitions(webhook_tests PRIVATE
  SLOB_HTTPS_RECEIVER="${CMAKE_CURRENT_SOURCE_DIR}/support/https_receiver.py")
