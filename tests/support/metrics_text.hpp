#pragma once

// Reading `slob-ctl metrics` (the Prometheus text format) in tests: series → value, and sums.

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "process.hpp"

namespace slob::test {

// The samples of an exposition text: series (name and labels, as written) → value. A series
// written twice fails the test.
inline std::map<std::string, double> metric_samples(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    REQUIRE(space != std::string::npos);
    INFO(line);
    CHECK(out.emplace(line.substr(0, space), std::stod(line.substr(space + 1))).second);
  }
  return out;
}

// The sum of the samples of `name` whose labels contain every one of `labels` (all: none given).
inline double metric_sum(const std::map<std::string, double>& samples, const std::string& name,
                         const std::vector<std::string>& labels = {}) {
  double sum = 0;
  for (const auto& [series, value] : samples) {
    if (series != name && series.rfind(name + "{", 0) != 0) continue;
    bool all = true;
    for (const auto& l : labels) all = all && series.find(l) != std::string::npos;
    if (all) sum += value;
  }
  return sum;
}

// `promtool check metrics` (Debian's prometheus package, at `promtool`) on `text`, written to
// `scratch`/scrape.prom: exit 0 and not one lint problem (promtool prints each one).
inline void check_with_promtool(const std::string& promtool, const std::string& text,
                                const std::filesystem::path& scratch) {
  REQUIRE(promtool != "");  // the prometheus package (tools/install-deps.sh)
  const auto file = scratch / "scrape.prom";
  std::ofstream(file) << text;
  const auto check =
      run({"/bin/sh", "-c", promtool + " check metrics < '" + file.string() + "'"}, scratch);
  INFO("promtool: " << check.out << check.err);
  CHECK(check.code == 0);
  CHECK(check.out + check.err == "");
}

}  // namespace slob::test
