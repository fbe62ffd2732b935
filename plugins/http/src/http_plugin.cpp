// The http plugin's module: the descriptor and the factory.
#include <unistd.h>

#include <memory>

#include "http_config.hpp"
#include "http_observer.hpp"
#include "http_server.hpp"
#include "listen_socket.hpp"
#include "slob/sdk/host_services.hpp"
#include "slob/sdk/plugin.hpp"

namespace {

namespace http = slob::plugins::http;

slob::sdk::Result<std::unique_ptr<slob::sdk::Observer>> make_http(
    slob::sdk::HostServices& host, const slob::sdk::ConfigTable& table) {
  try {
    auto config = http::parse_http_config(table, host.config_dir());
    if (!config) return config.status();
    if (host.check_only()) return std::unique_ptr<slob::sdk::Observer>();
    // A port that cannot be had refuses the observer (at startup: the config error exit).
    auto fd = http::listen_on(config->address, config->port);
    if (!fd) return slob::sdk::Status(fd.status().code(), "http: " + fd.status().message());
    auto server = std::make_unique<http::HttpServer>(
        *config, *fd, [&host](std::string_view view) { return host.read_view(view); });
    return std::unique_ptr<slob::sdk::Observer>(
        std::make_unique<http::HttpObserver>(host, std::move(server)));
  } catch (const std::exception& e) {
    // Nothing throws across the plugin boundary (allocation failure is the only candidate).
    return slob::sdk::Status::internal(std::string("http: ") + e.what());
  }
}

}  // namespace

SLOB_OBSERVER_PLUGIN("http", "1.0.0", 0, &make_http)
