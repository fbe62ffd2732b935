#pragma once

// The control channel: a Unix stream socket (mode 0660, so the service group can use slob-ctl)
// speaking JSON lines. Each request is one object {"command": "...", ...}; each answer is one
// object {"ok": true, "result": {...}} or {"ok": false, "error": "..."}.
//
// Threading: runs on the host loop; the handler is called there and answers through `reply`,
// possibly later (a reload answers when it is done). Nothing a client sends can stop the loop or
// grow the daemon without bound:
// - a line longer than kMaxRequestBytes closes its connection (garbage gets an error answer);
// - answers waiting for a client that does not read are bounded by kMaxQueuedAnswerBytes; past
//   that the connection is dropped (SLOB_CONTROL_CLIENT_DROPPED);
// - at most kMaxConnections are served at once; one more gets an error answer and is closed;
// - a failed accept() (out of file descriptors: EMFILE, ENFILE) is retried every kAcceptRetry
//   on the wall clock, logged once per episode, so the channel comes back by itself.

#include <filesystem>
#include <functional>
#include <memory>
#include <set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <nlohmann/json.hpp>

#include "slob/sdk/clock.hpp"
#include "slob/sdk/logger.hpp"
#include "slob/sdk/status.hpp"

namespace slob::core {

class ControlServer {
 public:
  using Reply = std::function<void(nlohmann::json answer)>;
  using Handler = std::function<void(const nlohmann::json& request, Reply reply)>;

  static constexpr std::size_t kMaxRequestBytes = 64 * 1024;
  static constexpr std::size_t kMaxQueuedAnswerBytes = 1024 * 1024;
  static constexpr std::size_t kMaxConnections = 64;
  static constexpr sdk::Duration kAcceptRetry = std::chrono::milliseconds(100);

  // `wall_clock` times the accept retries; both it and `log` outlive the server.
  ControlServer(boost::asio::io_context& io, sdk::Clock& wall_clock, sdk::Logger& log,
                Handler handler);
  ~ControlServer();

  // Binds `path` (a stale socket file from a crashed run is replaced; a live one is refused, and
  // so is anything that is not a socket: kInvalidArgument, a config error), sets mode 0660 and
  // starts accepting.
  sdk::Status listen(const std::filesystem::path& path);
  // Stops accepting, closes every connection and removes the socket file.
  void close();

  static nlohmann::json ok(nlohmann::json result) { return {{"ok", true}, {"result", std::move(result)}}; }
  static nlohmann::json error(const std::string& message) { return {{"ok", false}, {"error", message}}; }

 private:
  class Session;
  void accept();
  void refuse(boost::asio::local::stream_protocol::socket socket);

  boost::asio::io_context& io_;
  sdk::Clock& wall_clock_;
  sdk::Logger& log_;
  Handler handler_;
  std::filesystem::path path_;
  std::unique_ptr<boost::asio::local::stream_protocol::acceptor> acceptor_;
  std::set<std::shared_ptr<Session>> sessions_;
  sdk::TimerId accept_retry_ = sdk::kNoTimer;
  bool accept_failing_ = false;  // SLOB_CONTROL_ACCEPT_FAILED logged, no accept since
  bool refusing_ = false;        // SLOB_CONTROL_CONNECTIONS_FULL logged, no session since
};

}  // namespace slob::core
