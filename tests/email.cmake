# The e-mail observer plugin (plugins/email: libslob-email.so over slob_email and slob_smtp). All
# CTest names start with "email:". The integration cases run a real SMTP server
# (tests/support/smtp_receiver.py, Debian's python3-aiosmtpd under /usr/bin/python3) on 127.0.0.1
# with certificates the openssl CLI makes at test time; the observer cases load the built module
# the way the host does (Boost.DLL) and give it TestHostServices.
slob_add_unit_test(email_tests
  SOURCES
    unit/email_message_test.cpp
    unit/email_template_test.cpp
    unit/email_reply_test.cpp
    integration/email_smtp_test.cpp
    integration/email_observer_test.cpp
  LIBRARIES slob_smtp slob_core
  DEPENDS slob-plugin-email
  PREFIX email
  TIMEOUT 120)
target_include_directories(email_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
target_compile_definitions(email_tests PRIVATE EMAIL_PLUGIN_MODULE="$<TARGET_FILE:slob-plugin-email>")
slob_export_asio_to_plugins(email_tests)
