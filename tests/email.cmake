# The e-mail alert transport (plugins/email, library slob_smtp). All CTest names start with
# "email:". The integration cases run a real SMTP server (tests/support/smtp_receiver.py, Debian's
# python3-aiosmtpd under /usr/bin/python3) on 127.0.0.1 with certificates the openssl CLI makes
# at test time.
slob_add_unit_test(email_tests
  SOURCES
    unit/email_message_test.cpp
    unit/email_template_test.cpp
    unit/email_reply_test.cpp
    integration/email_smtp_test.cpp
  LIBRARIES slob_smtp nlohmann_json::nlohmann_json
  PREFIX email
  TIMEOUT 120)
target_include_directories(email_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
