#include "listen_socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace slob::plugins::http {
namespace {

struct Address {
  sockaddr_storage storage{};
  socklen_t size = 0;
};

bool parse(const std::string& text, std::uint16_t port, Address& out) {
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out.storage);
  if (::inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    out.size = sizeof(sockaddr_in);
    return true;
  }
  out.storage = {};
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
  if (::inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    out.size = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

// A copy of this process's listening TCP socket bound to exactly `want`, or -1. Only one opened
// since the process started (close-on-exec set, as listen_on() sets it): a descriptor inherited
// from the parent never has it, since exec() closed those that had.
int own_listener(const Address& want) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    const int fd = std::atoi(entry.path().filename().c_str());
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags < 0 || (flags & FD_CLOEXEC) == 0) continue;
    int listening = 0, type = 0;
    socklen_t n = sizeof listening;
    if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &n) != 0 || !listening) continue;
    n = sizeof type;
    if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &n) != 0 || type != SOCK_STREAM) continue;
    Address have;
    have.size = sizeof have.storage;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&have.storage), &have.size) != 0) continue;
    if (have.size == want.size && std::memcmp(&have.storage, &want.storage, want.size) == 0)
      return ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  }
  return -1;
}

}  // namespace

sdk::Result<int> listen_on(const std::string& address, std::uint16_t port) {
  const std::string where = (address.find(':') != std::string::npos ? "[" + address + "]" : address) +
                            ":" + std::to_string(port);
  auto refused = [&](int err) {
    return sdk::Status::io_error("cannot listen on " + where + ": " + std::strerror(err));
  };
  Address want;
  if (!parse(address, port, want)) return sdk::Status::invalid_argument("not an IP address: " + address);
  const int fd = ::socket(want.storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return refused(errno);
  const int one = 1;
  // Restarting while old connections linger in TIME_WAIT must not fail; on Linux this never lets
  // two sockets listen on one port.
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&want.storage), want.size) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EADDRINUSE && port != 0) {
      if (const int shared = own_listener(want); shared >= 0) return shared;
    }
    return refused(err);
  }
  if (::listen(fd, SOMAXCONN) != 0) {
    const int err = errno;
    ::close(fd);
    return refused(err);
  }
  return fd;
}

}  // namespace slob::plugins::http
