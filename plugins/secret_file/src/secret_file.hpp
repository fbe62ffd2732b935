#pragma once

// Plugin secrets (tokens, passwords): written in the config as `x`, or kept out of it in a file
// named by `x_file`, so systemd's LoadCredential= can hand them over
// ($CREDENTIALS_DIRECTORY/<name>, mode 0400).

#include <filesystem>
#include <optional>
#include <string>

#include "slob/sdk/config.hpp"
#include "slob/sdk/status.hpp"

namespace slob::plugins {

// The file's first line without its line end ("\n" or "\r\n"). Refused (invalid_argument,
// naming the file, never its content) when the file cannot be read, when the first line is
// empty, or when the file is readable by others (mode o+r): a world-readable secret is a mistake
// we will not carry silently. Readable by its group is allowed — root:slob 0640 is the usual way
// to give the daemon's group a file it must not change.
sdk::Result<std::string> read_secret_file(const std::filesystem::path& path);

// Reads the pair `key` / `key + "_file"` from a plugin's table: the value of whichever is set
// (the file's path relative to `config_dir` unless absolute). Errors go to `reader`, at the key
// concerned: both set; neither set when `required` (at the table); an empty value; a file
// read_secret_file() refuses. Returns nullopt when absent or refused.
std::optional<std::string> read_secret(sdk::ConfigReader& reader, const std::string& key,
                                       const std::string& config_dir, bool required);

}  // namespace slob::plugins
