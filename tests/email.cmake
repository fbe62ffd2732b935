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
  LIBRARIES slob_smtp slob_core
  PREFIX email
  TIMEOUT 120)
target_include_directories(email_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)

# The module, loaded as slob-host loads it, in a binary of its own that exports its Boost.Asio
# like slob-host and, like slob-host, has no Asio SSL code of its own: a test binary with both
# binds the module's SSL statics to its own, and each is destroyed twice at exit.
slob_add_unit_test(email_module_tests
  SOURCES integration/email_observer_test.cpp
  LIBRARIES slob_core
  DEPENDS slob-plugin-email
  PREFIX email
  TIMEOUT 120)
target_include_directories(email_module_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
target_compile_definitions(email_module_tests PRIVATE
  EMAIL_PLUGIN_MODULE="$<TARGET_FILE:slob-plugin-email>")
slob_export_asio_to_plugins(email_module_tests)
