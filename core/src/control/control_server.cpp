#include "control/control_server.hpp"

#include <sys/socket.h>
#include <sys/stat.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <istream>

#include "runtime/host_paths.hpp"

namespace slob::core {

namespace fs = std::filesystem;
using boost::asio::local::stream_protocol;

class ControlServer::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ControlServer& server, stream_protocol::socket socket)
      : server_(server), socket_(std::move(socket)), buffer_(kMaxRequestBytes) {}

  void start() { read(); }
  void close() {
    boost::system::error_code ec;
    socket_.close(ec);
  }

 private:
  void read() {
    if (!socket_.is_open()) return;
    auto self = shared_from_this();
    boost::asio::async_read_until(
        socket_, buffer_, '\n', [this, self](const boost::system::error_code& ec, std::size_t) {
          if (ec) {
            finish();
            return;
          }
          std::istream in(&buffer_);
          std::string line;
          std::getline(in, line);
          handle(line);
          read();
        });
  }

  void handle(const std::string& line) {
    nlohmann::json request = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (request.is_discarded() || !request.is_object() || !request.contains("command") ||
        !request["command"].is_string()) {
      send(ControlServer::error("bad request: expected one JSON object with a \"command\" string"));
      return;
    }
    std::weak_ptr<Session> weak = shared_from_this();
    server_.handler_(request, [weak](nlohmann::json answer) {
      if (auto s = weak.lock()) s->send(std::move(answer));
    });
  }

  void send(const nlohmann::json& answer) {
    if (!socket_.is_open()) return;
    std::string line = answer.dump() + "\n";
    // One answer always goes out, however long; more pile up only for a client that does not
    // read them, and that one is let go.
    if (!outbox_.empty() && queued_bytes_ + line.size() > kMaxQueuedAnswerBytes) {
      server_.log_.warn("SLOB_CONTROL_CLIENT_DROPPED",
                        "a control client does not read its answers (" +
                            std::to_string(queued_bytes_) + " bytes waiting, at most " +
                            std::to_string(kMaxQueuedAnswerBytes) + "): connection closed");
      finish();
      return;
    }
    const bool idle = outbox_.empty();
    queued_bytes_ += line.size();
    outbox_.push_back(std::move(line));
    if (idle) write();
  }

  void write() {
    auto self = shared_from_this();
    boost::asio::async_write(socket_, boost::asio::buffer(outbox_.front()),
                             [this, self](const boost::system::error_code& ec, std::size_t) {
                               if (ec) {
                                 finish();
                                 return;
                               }
                               queued_bytes_ -= outbox_.front().size();
                               outbox_.pop_front();
                               if (!outbox_.empty()) write();
                             });
  }

  void finish() {
    close();
    outbox_.clear();
    queued_bytes_ = 0;
    server_.sessions_.erase(shared_from_this());
  }

  ControlServer& server_;
  stream_protocol::socket socket_;
  boost::asio::streambuf buffer_;
  std::deque<std::string> outbox_;
  std::size_t queued_bytes_ = 0;
};

ControlServer::ControlServer(boost::asio::io_context& io, sdk::Clock& wall_clock, sdk::Logger& log,
                             Handler handler)
    : io_(io), wall_clock_(wall_clock), log_(log), handler_(std::move(handler)) {}

ControlServer::~ControlServer() { close(); }

sdk::Status ControlServer::listen(const fs::path& path) {
  if (auto problem = socket_address_problem(path))
    return sdk::Status::invalid_argument("control socket " + path.string() + ": " + *problem);
  if (auto problem = socket_file_problem(path))
    return sdk::Status::invalid_argument("control socket " + *problem);
  std::error_code fec;
  if (!path.parent_path().empty() && !fs::is_directory(path.parent_path(), fec)) {
    fs::create_directories(path.parent_path(), fec);
    if (fec) {
      return sdk::Status::io_error("control socket " + path.string() +
                                   ": cannot create directory: " + fec.message());
    }
  }
  if (fs::is_socket(fs::symlink_status(path, fec))) {
    // A live daemon answers on it; a crashed one left a dead socket behind.
    stream_protocol::socket probe(io_);
    boost::system::error_code ec;
    probe.connect(stream_protocol::endpoint(path.string()), ec);
    if (!ec) {
      return sdk::Status::failed_precondition("control socket " + path.string() +
                                              " is in use by another running slob-host");
    }
    fs::remove(path, fec);
  }
  boost::system::error_code ec;
  auto acceptor = std::make_unique<stream_protocol::acceptor>(io_);
  acceptor->open(stream_protocol(), ec);
  if (!ec) acceptor->bind(stream_protocol::endpoint(path.string()), ec);
  if (!ec) acceptor->listen(16, ec);
  if (ec) {
    return sdk::Status::io_error("control socket " + path.string() + ": " + ec.message());
  }
  ::chmod(path.c_str(), 0660);
  path_ = path;
  acceptor_ = std::move(acceptor);
  accept();
  return sdk::Status::ok();
}

void ControlServer::accept() {
  acceptor_->async_accept([this](const boost::system::error_code& ec,
                                 stream_protocol::socket socket) {
    if (ec == boost::asio::error::operation_aborted || !acceptor_) return;  // closed
    if (ec) {
      // EMFILE/ENFILE above all: the pending connection stays queued and the listening socket
      // readable, so an immediate retry would spin. Try again shortly; log once.
      if (!accept_failing_) {
        accept_failing_ = true;
        log_.error("SLOB_CONTROL_ACCEPT_FAILED",
                   "cannot accept a control connection: " + ec.message() + "; retrying every " +
                       sdk::format_duration(kAcceptRetry) + " (logged once until it works again)");
      }
      accept_retry_ = wall_clock_.call_after(kAcceptRetry, [this] {
        accept_retry_ = sdk::kNoTimer;
        if (acceptor_) accept();
      });
      return;
    }
    if (accept_failing_) {
      accept_failing_ = false;
      log_.info("SLOB_CONTROL_ACCEPT_RESUMED", "accepting control connections again");
    }
    if (sessions_.size() >= kMaxConnections) {
      refuse(std::move(socket));
    } else {
      refusing_ = false;
      auto session = std::make_shared<Session>(*this, std::move(socket));
      sessions_.insert(session);
      session->start();
    }
    accept();
  });
}

void ControlServer::refuse(stream_protocol::socket socket) {
  if (!refusing_) {
    refusing_ = true;
    log_.warn("SLOB_CONTROL_CONNECTIONS_FULL",
              std::to_string(kMaxConnections) +
                  " control connections are open; further ones are refused until one closes "
                  "(logged once until one is served)");
  }
  // Best effort and never blocking: one short line fits an empty socket buffer.
  const std::string line =
      error("too many control connections (" + std::to_string(kMaxConnections) + " open)").dump() + "\n";
  static_cast<void>(::send(socket.native_handle(), line.data(), line.size(), MSG_DONTWAIT | MSG_NOSIGNAL));
  boost::system::error_code ec;
  socket.close(ec);
}

void ControlServer::close() {
  wall_clock_.cancel(std::exchange(accept_retry_, sdk::kNoTimer));
  if (acceptor_) {
    boost::system::error_code ec;
    acceptor_->close(ec);
    acceptor_.reset();
    std::error_code fec;
    // Only what listen() bound: a socket (never a file someone put there since).
    if (fs::is_socket(fs::symlink_status(path_, fec))) fs::remove(path_, fec);
  }
  for (const auto& s : sessions_) s->close();
  sessions_.clear();
}

}  // namespace slob::core
