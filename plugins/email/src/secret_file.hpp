#pragma once

// Secrets (SMTP passwords, tokens) from a file, so they stay out of the config and systemd's
// LoadCredential= can hand them over ($CREDENTIALS_DIRECTORY/<name>, mode 0400).

#include <filesystem>
#include <string>

#include "slob/sdk/status.hpp"

namespace slob::plugins::email {

// The file's first line without its line end ("\n" or "\r\n"). Refused (invalid_argument,
// naming the file) when the file cannot be read, when the first line is empty, or when the file
// is readable by others (mode o+r): a world-readable password is a mistake we will not carry
// silently. Readable by its group is allowed — root:slob 0640 is the usual way to give the
// daemon's group a file it must not change.
sdk::Result<std::string> read_secret_file(const std::filesystem::path& path);

}  // namespace slob::plugins::email
