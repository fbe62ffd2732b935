#include "plugins/trusted_path.hpp"

#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace slob::core {
namespace {

namespace fs = std::filesystem;

// "nobody (uid 65534)", or "uid 4242" for a uid without a passwd entry.
std::string user(uid_t uid) {
  const std::string id = "uid " + std::to_string(uid);
  passwd pw{};
  passwd* found = nullptr;
  char buf[1024];
  if (::getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found != nullptr) {
    return std::string(found->pw_name) + " (" + id + ")";
  }
  return id;
}

std::string mode_text(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// One component: `own` is the path itself or its own folder (no sticky exception).
sdk::Status check_one(const fs::path& p, const struct stat& st, uid_t trusted_uid, bool own) {
  if (st.st_uid != 0 && st.st_uid != trusted_uid) {
    const std::string allowed =
        trusted_uid == 0 ? "root" : "root or the daemon's user " + user(trusted_uid);
    return sdk::Status::failed_precondition(p.string() + " is owned by " + user(st.st_uid) +
                                            ", not by " + allowed);
  }
  // The owner (checked above) may rename entries of a sticky directory; nobody else can.
  const bool writable = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
  const bool sticky_dir = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) != 0;
  if (writable && (own || !sticky_dir)) {
    return sdk::Status::failed_precondition(p.string() + " is writable by group or others (mode " +
                                            mode_text(st.st_mode) + ")");
  }
  return sdk::Status::ok();
}

}  // namespace

sdk::Result<fs::path> resolve_trusted(const fs::path& path, uid_t trusted_uid) {
  const std::unique_ptr<char, decltype(&::free)> real(::realpath(path.c_str(), nullptr), &::free);
  if (!real) {
    return sdk::Status::io_error("cannot resolve " + path.string() + ": " + std::strerror(errno));
  }
  const fs::path resolved(real.get());
  // lstat: the resolved path has no symlinks; one appearing now is a change under our feet.
  struct stat st {};
  if (::lstat(resolved.c_str(), &st) != 0) {
    return sdk::Status::io_error("cannot stat " + resolved.string() + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    return sdk::Status::failed_precondition(resolved.string() +
                                            " is neither a regular file nor a directory");
  }
  if (auto s = check_one(resolved, st, trusted_uid, /*own=*/true); !s) return s;
  // A file's own folder is as strict as the file; a directory is its own folder.
  bool own = S_ISREG(st.st_mode);
  for (fs::path dir = resolved.parent_path();; dir = dir.parent_path()) {
    if (::lstat(dir.c_str(), &st) != 0) {
      return sdk::Status::io_error("cannot stat " + dir.string() + ": " + std::strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) {
      return sdk::Status::failed_precondition(dir.string() + " is not a directory");
    }
    if (auto s = check_one(dir, st, trusted_uid, own); !s) return s;
    own = false;
    if (dir == dir.root_path()) break;
  }
  return resolved;
}

}  // namespace slob::core
