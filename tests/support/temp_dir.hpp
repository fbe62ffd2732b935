#pragma once

// A unique scratch directory for one test, removed with everything in it when the test ends.
// The one TempDir of the test suite (unit and integration tests alike).

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace slob::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "slob-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) std::abort();  // no scratch space: nothing can be tested
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  // `name` inside the directory, as a string (for config tables and C APIs).
  std::string sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace slob::test
