#include "control_server.hpp"

#include <sys/stat.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <istream>

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
    const bool idle = outbox_.empty();
    outbox_.push_back(answer.dump() + "\n");
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
                               outbox_.pop_front();
                               if (!outbox_.empty()) write();
                             });
  }

  void finish() {
    close();
    server_.sessions_.erase(shared_from_this());
  }

  ControlServer& server_;
  stream_protocol::socket socket_;
  boost::asio::streambuf buffer_;
  std::deque<std::string> outbox_;
};

ControlServer::ControlServer(boost::asio::io_context& io, Handler handler)
    : io_(io), handler_(std::move(handler)) {}

ControlServer::~ControlServer() { close(); }

sdk::Status ControlServer::listen(const fs::path& path) {
  std::error_code fec;
  if (!path.parent_path().empty() && !fs::is_directory(path.parent_path(), fec)) {
    fs::create_directories(path.parent_path(), fec);
    if (fec) {
      return sdk::Status::io_error("control socket " + path.string() +
                                   ": cannot create directory: " + fec.message());
    }
  }
  if (fs::exists(fs::symlink_status(path, fec))) {
    // A live daemon answers on it; a crashed one left a dead file behind.
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
    if (ec) return;  // closed
    auto session = std::make_shared<Session>(*this, std::move(socket));
    sessions_.insert(session);
    session->start();
    accept();
  });
}

void ControlServer::close() {
  if (acceptor_) {
    boost::system::error_code ec;
    acceptor_->close(ec);
    acceptor_.reset();
    std::error_code fec;
    fs::remove(path_, fec);
  }
  for (const auto& s : sessions_) s->close();
  sessions_.clear();
}

}  // namespace slob::core
