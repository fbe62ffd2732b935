#pragma once

// A file descriptor owned by one scope: closed when it ends. For the host and plugins alike
// (header-only, nothing crosses the plugin boundary).

#include <unistd.h>

namespace slob::sdk {

class UniqueFd {
 public:
  // Takes ownership of `fd`; a negative value (a failed open()) owns nothing.
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace slob::sdk
