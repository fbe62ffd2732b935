#include "secret_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace slob::plugins::email {

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

}  // namespace slob::plugins::email
