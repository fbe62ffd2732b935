# The webhook observer plugin and its HTTP(S) POST transport (plugins/webhook). All CTest names
# start with "webhook:". The integration cases start tests/support/https_receiver.py under
# Debian's /usr/bin/python3 on 127.0.0.1 and make their certificates with the openssl CLI.

# The core's plugin loading (PluginLibrary and the checks it runs) and the simulated clock of
# TestHostServices: enough to load an observer module as the host does, without the rest of the
# host. Shared with tests/telegram.cmake.
add_library(slob_test_observer_host STATIC
  ${PROJECT_SOURCE_DIR}/core/src/plugins/plugin_library.cpp
  ${PROJECT_SOURCE_DIR}/core/src/plugins/elf_check.cpp
  ${PROJECT_SOURCE_DIR}/core/src/plugins/build_compatibility.cpp
  ${PROJECT_SOURCE_DIR}/core/src/plugins/file_identity.cpp
  ${PROJECT_SOURCE_DIR}/core/src/runtime/simulated_clock.cpp)
target_include_directories(slob_test_observer_host PUBLIC
  ${PROJECT_SOURCE_DIR}/core/src ${CMAKE_CURRENT_SOURCE_DIR}/support)
target_link_libraries(slob_test_observer_host PUBLIC slob_sdk nlohmann_json::nlohmann_json)

# A test binary that runs the loop a loaded plugin's sockets complete in exports its Boost.Asio
# as slob-host does (core/app/asio-exports.list): one Asio per process, else the plugin's own
# empty copy of Asio's thread-local call stack crashes the reactor.
function(slob_export_asio_to_plugins target)
  target_link_options(${target} PRIVATE
    "LINKER:--dynamic-list=${PROJECT_SOURCE_DIR}/core/app/asio-exports.list")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS
    "${PROJECT_SOURCE_DIR}/core/app/asio-exports.list")
endfunction()

slob_add_unit_test(webhook_tests
  SOURCES
    unit/webhook_url_test.cpp
    integration/webhook_post_test.cpp
    integration/webhook_observer_test.cpp
  LIBRARIES slob_http_post slob_test_observer_host
  DEPENDS slob-plugin-webhook
  PREFIX webhook
  TIMEOUT 120)
target_include_directories(webhook_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/support)
slob_export_asio_to_plugins(webhook_tests)
target_compile_definitions(webhook_tests PRIVATE
  SLOB_HTTPS_RECEIVER="${CMAKE_CURRENT_SOURCE_DIR}/support/https_receiver.py")
