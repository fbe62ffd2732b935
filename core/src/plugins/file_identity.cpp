#include "plugins/file_identity.hpp"

#include <sys/stat.h>

#include <chrono>

#include "slob/sdk/time.hpp"

namespace slob::core {

std::optional<FileIdentity> identify_file(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  FileIdentity id;
  id.device = static_cast<std::uint64_t>(st.st_dev);
  id.inode = static_cast<std::uint64_t>(st.st_ino);
  id.size = static_cast<std::uint64_t>(st.st_size);
  id.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return id;
}

std::string describe(const FileIdentity& id) {
  const sdk::Time mtime{std::chrono::duration_cast<sdk::Duration>(std::chrono::nanoseconds(id.mtime_ns))};
  return "inode " + std::to_string(id.inode) + ", " + std::to_string(id.size) + " bytes, modified " +
         sdk::format_rfc3339(mtime);
}

}  // namespace slob::core
