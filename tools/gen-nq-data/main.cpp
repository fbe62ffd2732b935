// gen-nq-data: writes synthetic NQ 1-minute bars (ARCHITECTURE §10 CSV) with planted setups.
//
//   gen-nq-data --seed 20260106 --week 2026-01-05 --plan 2026-01-06=short-win --out nq.csv
//
// Exit codes: 0 written, 2 usage error (one line naming the bad argument), 1 I/O error.

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

#include <date/date.h>

#include "generator.hpp"

namespace gen = slob::tools::gen_nq_data;

namespace {

constexpr const char* kUsage =
    "usage: gen-nq-data --seed N --week YYYY-MM-DD (a Monday; repeatable)\n"
    "                   [--plan YYYY-MM-DD=KIND ...] [--start-price P] [--out FILE] [--report]\n"
    "KIND: quiet | random | short-win | short-loss | short-range | short-timeout |\n"
    "      long-win | long-loss | long-range | long-timeout";

int usage(const std::string& why) {
  std::cerr << "gen-nq-data: " << why << "\n" << kUsage << "\n";
  return 2;
}

bool parse_date(const std::string& text, std::chrono::sys_days& out) {
  std::istringstream in(text);
  date::sys_days d;
  in >> date::parse("%F", d);
  if (in.fail() || in.peek() != EOF) return false;
  out = std::chrono::sys_days{d.time_since_epoch()};
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  gen::GeneratorOptions options;
  std::string out_path;
  bool have_seed = false;
  bool report = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&](std::string& v) {
      if (i + 1 >= argc) return false;
      v = argv[++i];
      return true;
    };
    std::string v;
    if (arg == "--seed") {
      if (!value(v)) return usage("--seed needs a value");
      char* end = nullptr;
      options.seed = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0') return usage("--seed is not a number: \"" + v + "\"");
      have_seed = true;
    } else if (arg == "--week") {
      std::chrono::sys_days d;
      if (!value(v) || !parse_date(v, d)) return usage("--week needs a date YYYY-MM-DD");
      options.weeks.push_back(d);
    } else if (arg == "--plan") {
      if (!value(v)) return usage("--plan needs DATE=KIND");
      const auto eq = v.find('=');
      std::chrono::sys_days d;
      if (eq == std::string::npos || !parse_date(v.substr(0, eq), d))
        return usage("--plan needs DATE=KIND, got \"" + v + "\"");
      auto plan = gen::parse_day_plan(v.substr(eq + 1));
      if (!plan.is_ok()) return usage(plan.status().message());
      options.plan[d] = plan.value();
    } else if (arg == "--start-price") {
      if (!value(v)) return usage("--start-price needs a value");
      char* end = nullptr;
      options.start_price = std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0' || !(options.start_price > 1000))
        return usage("--start-price is not a price above 1000: \"" + v + "\"");
    } else if (arg == "--out") {
      if (!value(out_path)) return usage("--out needs a file");
    } else if (arg == "--report") {
      report = true;
    } else {
      return usage("unknown argument \"" + std::string(arg) + "\"");
    }
  }
  if (!have_seed) return usage("--seed is required (the output depends on it)");
  if (options.weeks.empty()) return usage("at least one --week is required");

  auto data = gen::generate(options);
  if (!data.is_ok()) return usage(data.status().message());
  const std::string csv = gen::to_csv(data->bars);
  if (out_path.empty()) {
    std::cout << csv;
  } else {
    std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
    out << csv;
    out.close();
    if (!out) {
      std::cerr << "gen-nq-data: " << out_path << ": cannot write\n";
      return 1;
    }
  }
  if (report) {
    for (const auto& p : data->planted) {
      std::fprintf(stderr, "%s %-13s LSE high %.2f low %.2f", date::format("%F", p.date).c_str(),
                   gen::day_plan_name(p.plan).c_str(), p.lse_high, p.lse_low);
      if (p.setup.entry != 0)
        std::fprintf(stderr, "  entry %.2f stop %.2f target %.2f", p.setup.entry, p.setup.stop,
                     p.setup.target);
      std::fprintf(stderr, "\n");
    }
  }
  return 0;
}
