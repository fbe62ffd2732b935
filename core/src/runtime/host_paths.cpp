#include "runtime/host_paths.hpp"

#include <system_error>

namespace slob::core {

namespace fs = std::filesystem;

namespace {

const char* kind_of(const fs::file_status& st) {
  if (fs::is_regular_file(st)) return "a regular file";
  if (fs::is_directory(st)) return "a directory";
  if (fs::is_symlink(st)) return "a symbolic link";
  return "not a socket";
}

}  // namespace

std::optional<std::string> socket_address_problem(const fs::path& path) {
  const std::size_t bytes = path.native().size();
  if (bytes == 0) return std::string("the socket path is empty");
  if (bytes > kMaxSocketPathBytes) {
    return "the socket path is " + std::to_string(bytes) + " bytes long; a Unix socket path has at most " +
           std::to_string(kMaxSocketPathBytes) + " (choose a shorter one)";
  }
  return std::nullopt;
}

std::optional<std::string> socket_file_problem(const fs::path& path) {
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(path, ec);
  if (fs::exists(st) && !fs::is_socket(st)) {
    return path.string() + " exists and is " + kind_of(st) +
           "; only a stale socket is ever replaced (move it away or choose another path)";
  }
  if (path.has_parent_path()) return directory_problem(path.parent_path());
  return std::nullopt;
}

std::optional<std::string> directory_problem(const fs::path& dir) {
  std::error_code ec;
  for (fs::path p = dir; !p.empty(); p = p.parent_path()) {
    const fs::file_status st = fs::status(p, ec);
    if (fs::exists(st)) {
      if (fs::is_directory(st)) return std::nullopt;
      return p.string() + " is not a directory";
    }
    if (p == p.parent_path()) break;
  }
  return std::nullopt;
}

}  // namespace slob::core
