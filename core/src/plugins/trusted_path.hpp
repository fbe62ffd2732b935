#pragma once

// May code at this path run with the daemon's rights? Only if nobody but root and the daemon's
// own user can change it: not the file, not its folder, not any folder above (OpenSSH's
// StrictModes, applied to plugins). A folder anyone can write lets anyone rename it away and
// put another in its place; a symlink is only as safe as the folders of its target.
//
// The path is resolved first (realpath: every symlink followed), then the resolved path and
// every directory above it up to `/` must
//   - be owned by root or by `trusted_uid` (the daemon's effective uid), and
//   - not be writable by group or others.
// One exception, for directories above the path's own folder only: a directory with the
// sticky bit (/tmp, /var/tmp), owned as above. There nobody but its owner can rename or remove
// an entry they do not own, and the entry below it is checked itself. OpenSSH refuses these
// too; we accept them because they are as safe and because a test tree or a package check
// under /tmp or /var/tmp must load. The path's own folder gets no exception: a plugin folder
// anyone can write is refused whatever its sticky bit.
//
// Threading: none (stat calls only); the answer holds until someone with the rights changes it.

#include <sys/types.h>

#include <filesystem>

#include "slob/sdk/status.hpp"

namespace slob::core {

// The resolved path, or failed_precondition naming the resolved path at fault and why
// ("/opt/slob is writable by group or others (mode 0775)"); io_error when `path` cannot be
// resolved or a directory on the way cannot be stat()ed. The path itself must be a regular file
// or a directory.
sdk::Result<std::filesystem::path> resolve_trusted(const std::filesystem::path& path,
                                                   uid_t trusted_uid);

}  // namespace slob::core
