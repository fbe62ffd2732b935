#pragma once

// The control channel: a Unix stream socket (mode 0660, so the service group can use slob-ctl)
// speaking JSON lines. Each request is one object {"command": "...", ...}; each answer is one
// object {"ok": true, "result": {...}} or {"ok": false, "error": "..."}.
//
// Threading: runs on the host loop; the handler is called there and answers through `reply`,
// possibly later (a reload answers when it is done). A client that sends garbage gets an error
// answer; a line longer than kMaxRequestBytes closes its connection. Nothing a client sends can
// stop the loop.

#include <filesystem>
#include <functional>
#include <memory>
#include <set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <nlohmann/json.hpp>

#include "slob/sdk/status.hpp"

namespace slob::core {

class ControlServer {
 public:
  using Reply = std::function<void(nlohmann::json answer)>;
  using Handler = std::function<void(const nlohmann::json& request, Reply reply)>;

  static constexpr std::size_t kMaxRequestBytes = 64 * 1024;

  ControlServer(boost::asio::io_context& io, Handler handler);
  ~ControlServer();

  // Binds `path` (a stale socket file from a crashed run is replaced; a live one is refused),
  // sets mode 0660 and starts accepting.
  sdk::Status listen(const std::filesystem::path& path);
  // Stops accepting, closes every connection and removes the socket file.
  void close();

  static nlohmann::json ok(nlohmann::json result) { return {{"ok", true}, {"result", std::move(result)}}; }
  static nlohmann::json error(const std::string& message) { return {{"ok", false}, {"error", message}}; }

 private:
  class Session;
  void accept();

  boost::asio::io_context& io_;
  Handler handler_;
  std::filesystem::path path_;
  std::unique_ptr<boost::asio::local::stream_protocol::acceptor> acceptor_;
  std::set<std::shared_ptr<Session>> sessions_;
};

}  // namespace slob::core
