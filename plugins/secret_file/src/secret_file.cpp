#include "secret_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace slob::plugins {

sdk::Result<std::string> read_secret_file(const std::filesystem::path& path) {
  const auto refuse = [&](const std::string& why) {
    return sdk::Status::invalid_argument("secret file " + path.string() + ": " + why);
  };
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return refuse(std::string("cannot read: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return refuse("not a regular file");
  if ((st.st_mode & S_IROTH) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return refuse(std::string("readable by all users (mode ") + mode + "); remove that with chmod o-r");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return refuse(std::string("cannot read: ") + std::strerror(errno));
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return refuse("the first line is empty");
  return line;
}

std::optional<std::string> read_secret(sdk::ConfigReader& reader, const std::string& key,
                                       const std::string& config_dir, bool required) {
  const std::string file_key = key + "_file";
  const bool has_value = reader.has(key);
  const bool has_file = reader.has(file_key);
  const std::string value = reader.get_string(key, "");
  const std::string file = reader.get_string(file_key, "");
  if (has_value && has_file) {
    reader.add_error(file_key, "set " + key + " or " + file_key + ", not both");
    return std::nullopt;
  }
  if (!has_value && !has_file) {
    if (required) reader.add_error(key, key + " or " + file_key + " is required");
    return std::nullopt;
  }
  // A value of another type was reported by get_string(); an empty string is reported here.
  const auto empty_string = [&](const std::string& k) {
    const sdk::ConfigValue* v = reader.get(k);
    const auto* s = v ? std::get_if<std::string>(&v->value) : nullptr;
    if (s && s->empty()) reader.add_error(k, k + " must not be empty");
    return !s || s->empty();
  };
  if (has_value) {
    if (empty_string(key)) return std::nullopt;
    return value;
  }
  if (empty_string(file_key)) return std::nullopt;
  std::filesystem::path path(file);
  if (path.is_relative()) path = std::filesystem::path(config_dir) / path;
  auto secret = read_secret_file(path.lexically_normal());
  if (!secret) {
    reader.add_error(file_key, file_key + ": " + secret.status().message());
    return std::nullopt;
  }
  return *secret;
}

}  // namespace slob::plugins
