#pragma once

// Small helpers shared by the lmdb benchmarks: a scratch directory, timing statistics and a
// HostServices whose logger discards lines. Benchmarks measure real elapsed time with
// steady_clock; nothing here is used by the daemon.

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace slob::bench::lmdb {

class ScratchDir {
 public:
  // Under `parent` (default: the current directory, so the benchmark measures the disk the
  // user runs it on, not a tmpfs).
  explicit ScratchDir(const std::string& parent) {
    std::string pattern = (std::filesystem::path(parent) / "slob-bench-lmdb-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) std::abort();
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

struct Stats {
  double mean_us = 0;
  double median_us = 0;
  double p99_us = 0;
};

inline Stats stats(std::vector<double> us) {
  Stats s;
  if (us.empty()) return s;
  std::sort(us.begin(), us.end());
  double sum = 0;
  for (double v : us) sum += v;
  s.mean_us = sum / static_cast<double>(us.size());
  s.median_us = us[us.size() / 2];
  s.p99_us = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  return s;
}

inline double elapsed_us(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace slob::bench::lmdb
