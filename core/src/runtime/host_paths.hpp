#pragma once

// What may stand at the host's own paths: the state directory and the control socket. Shared by
// the config check (every start and `--check`, before anything is created), the control server
// and slob-ctl, so they refuse the same paths with the same words. Each function only reads;
// a path that does not exist yet is fine.

#include <filesystem>
#include <optional>
#include <string>

namespace slob::core {

// sockaddr_un::sun_path holds 108 bytes with its terminating NUL.
inline constexpr std::size_t kMaxSocketPathBytes = 107;

// Why `path` cannot be a Unix socket address (too long, empty), or nullopt.
std::optional<std::string> socket_address_problem(const std::filesystem::path& path);

// Why the daemon must not bind at `path`, or nullopt: something other than a socket is there
// (the daemon replaces only a stale socket, never a file or directory), or the socket's
// directory cannot be one (directory_problem).
std::optional<std::string> socket_file_problem(const std::filesystem::path& path);

// Why `dir` cannot be (or be created as) a directory, or nullopt: it, or the nearest of its
// ancestors that exists, is not a directory.
std::optional<std::string> directory_problem(const std::filesystem::path& dir);

}  // namespace slob::core
