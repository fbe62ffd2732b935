#pragma once

// Which file a path names right now: device, inode, size and modification time. A plugin library
// replaced at the same path (a rebuild, a package upgrade) has another identity, because it is
// installed by writing a new file and renaming it over the old one (the old inode stays mapped);
// an in-place rewrite changes at least size or mtime. Comparing identities costs one stat(),
// where hashing the content would read every byte of every plugin on every reload.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace slob::core {

struct FileIdentity {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;

  bool operator==(const FileIdentity&) const = default;
};

// The identity of the file `path` resolves to (symlinks followed), or nullopt when it cannot be
// stat()ed.
std::optional<FileIdentity> identify_file(const std::filesystem::path& path);

// "inode 123, 4567 bytes, modified 2026-12-01T22:00:00.123456789Z" for messages.
std::string describe(const FileIdentity& id);

}  // namespace slob::core
