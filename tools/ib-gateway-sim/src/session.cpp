#include "session.hpp"

#include <boost/asio/write.hpp>

#include "gateway.hpp"

namespace slob::tools::ib_gateway_sim {

Session::Session(Gateway& gateway, boost::asio::ip::tcp::socket socket, int id)
    : gateway_(gateway), socket_(std::move(socket)), id_(id) {}

void Session::start() { read(); }

void Session::close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ec;
  socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  gateway_.on_session_closed(id_);
}

void Session::send(const std::string& payload) {
  if (closed_ || gateway_.silent()) return;
  out_.push_back(plugins::ib::frame(payload));
  if (!writing_) write_next();
}

void Session::write_next() {
  if (out_.empty() || closed_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  boost::asio::async_write(socket_, boost::asio::buffer(out_.front()),
                           [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                             if (ec) {
                               self->close();
                               return;
                             }
                             self->out_.pop_front();
                             self->write_next();
                           });
}

void Session::read() {
  socket_.async_read_some(boost::asio::buffer(buf_),
                          [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                            if (ec) {
                              self->close();
                              return;
                            }
                            std::string_view bytes(self->buf_, n);
                            if (self->stage_ == Stage::kPrefix) {
                              const std::size_t need = 4 - self->prefix_.size();
                              const auto take = std::min(need, bytes.size());
                              self->prefix_.append(bytes.substr(0, take));
                              bytes.remove_prefix(take);
                              if (self->prefix_.size() == 4) {
                                if (self->prefix_ != std::string("API\0", 4)) {
                                  self->gateway_.log_note("session " + std::to_string(self->id_) +
                                                          " bad prefix, closing");
                                  self->close();
                                  return;
                                }
                                self->stage_ = Stage::kVersion;
                              }
                            }
                            self->frames_.append(bytes);
                            self->on_bytes();
                            if (!self->closed_) self->read();
                          });
}

void Session::on_bytes() {
  while (!closed_) {
    auto next = frames_.next();
    if (!next) {
      gateway_.log_note("session " + std::to_string(id_) + " " + next.status().message() + ", closing");
      close();
      return;
    }
    if (!*next) return;
    const std::string payload = std::move(**next);
    if (stage_ == Stage::kVersion) {
      stage_ = Stage::kApi;
      gateway_.on_version(*this, payload);
      continue;
    }
    if (stage_ != Stage::kApi) continue;
    gateway_.on_message(*this, payload);
  }
}

}  // namespace slob::tools::ib_gateway_sim
