#pragma once

// A minimal blocking HTTP/1.1 client for integration tests of the http plugin: raw sockets to an
// IPv4 address on this host, the request written as given (so a test can also send what no
// library would), the answer read until the server closes or a deadline passes.
//
// Threading: any thread; nothing shared.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace slob::test {

struct HttpReply {
  int status = 0;                             // 0: no status line came
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// A connected TCP socket to `ip`:`port`, or -errno (ECONNREFUSED).
inline int tcp_connect(const std::string& ip, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    const int err = errno;
    ::close(fd);
    return -err;
  }
  return fd;
}

inline bool send_all(int fd, const std::string& data) {
  std::size_t at = 0;
  while (at < data.size()) {
    const ssize_t n = ::send(fd, data.data() + at, data.size() - at, MSG_NOSIGNAL);
    if (n <= 0) return false;
    at += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads until the peer closes (or resets) or `timeout` passes; returns what came, and whether
// the peer closed.
inline std::string read_until_closed(int fd, std::chrono::milliseconds timeout, bool* closed = nullptr) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (closed) *closed = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return out;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[16384];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      if (closed) *closed = true;
      return out;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
}

inline HttpReply parse_reply(const std::string& raw) {
  HttpReply r;
  const auto head_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.", 0) != 0 || head_end == std::string::npos) return r;
  r.status = std::stoi(raw.substr(9, 3));
  std::size_t at = raw.find("\r\n") + 2;
  while (at < head_end) {
    const auto eol = raw.find("\r\n", at);
    const std::string line = raw.substr(at, eol - at);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      r.headers[name] = value;
    }
    at = eol + 2;
  }
  r.body = raw.substr(head_end + 4);
  return r;
}

// One request on a new connection (`raw` as written), the reply read until the server closes;
// nullopt when the connection was refused.
inline std::optional<HttpReply> http_exchange(const std::string& ip, int port, const std::string& raw,
                                              std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const int fd = tcp_connect(ip, port);
  if (fd < 0) return std::nullopt;
  send_all(fd, raw);
  const std::string got = read_until_closed(fd, timeout);
  ::close(fd);
  return parse_reply(got);
}

// GET `path` from 127.0.0.1:`port` with `headers` ("Name: value\r\n" each), Connection: close.
inline std::optional<HttpReply> http_get(int port, const std::string& path, const std::string& headers = "",
                                         const std::string& method = "GET") {
  return http_exchange("127.0.0.1", port,
                       method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                           "\r\nConnection: close\r\n" + headers + "\r\n");
}

}  // namespace slob::test
