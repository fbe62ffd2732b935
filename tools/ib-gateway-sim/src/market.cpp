#include "market.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "slob/sdk/time.hpp"

namespace slob::tools::ib_gateway_sim {

double to_tick(double price) { return std::round(price * 4.0) / 4.0; }

MarketFeed::MarketFeed(double start_price, std::int64_t start_time, std::uint64_t seed)
    : now_(start_time - start_time % 5), last_(to_tick(start_price)), base_(to_tick(start_price)),
      state_(seed * 6364136223846793005ULL + 1442695040888963407ULL) {}

std::uint64_t MarketFeed::rand() {
  // splitmix64: tiny, fast, and the same sequence on every platform.
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

sdk::Status MarketFeed::load_script(const std::string& path) {
  std::ifstream in(path);
  if (!in) return sdk::Status::io_error(path + ": cannot open");
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (n == 1 && line.rfind("time", 0) == 0)) continue;
    if (line == "pause") {
      pauses_.push_back(script_.size());
      continue;
    }
    std::stringstream ss(line);
    std::string cells[6];
    for (auto& c : cells) std::getline(ss, c, ',');
    SimBar b;
    try {
      if (auto t = sdk::parse_rfc3339(cells[0])) {
        b.time = std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count();
      } else {
        b.time = std::stoll(cells[0]);
      }
      b.open = std::stod(cells[1]);
      b.high = std::stod(cells[2]);
      b.low = std::stod(cells[3]);
      b.close = std::stod(cells[4]);
      b.volume = std::stod(cells[5]);
    } catch (const std::exception&) {
      return sdk::Status::invalid_argument(path + ":" + std::to_string(n) + ": bad bar row \"" + line + "\"");
    }
    b.wap = (b.high + b.low + b.close) / 3;
    b.count = static_cast<std::int64_t>(b.volume);
    script_.push_back(b);
  }
  if (!script_.empty()) now_ = script_.front().time;
  return sdk::Status::ok();
}

bool MarketFeed::take_pause() {
  if (pauses_.empty() || pauses_.front() != script_played_) return false;
  pauses_.pop_front();
  return true;
}

SimBar MarketFeed::next_bar() {
  SimBar b;
  if (!script_.empty()) {
    b = script_.front();
    script_.pop_front();
    ++script_played_;
  } else {
    b.time = now_;
    b.open = last_;
    double close;
    if (target_) {
      close = to_tick(*target_);
      target_.reset();
    } else {
      const int step = static_cast<int>(rand() % 5) - 2;  // -2..+2 ticks
      close = last_ + 0.25 * step;
    }
    b.close = close;
    b.high = std::max(b.open, b.close) + 0.25 * static_cast<double>(rand() % 2);
    b.low = std::min(b.open, b.close) - 0.25 * static_cast<double>(rand() % 2);
    b.volume = static_cast<double>(1 + rand() % 20);
    b.wap = to_tick((b.high + b.low + b.close) / 3);
    b.count = static_cast<std::int64_t>(b.volume / 2) + 1;
  }
  now_ = b.time + 5;
  last_ = b.close;
  const std::int64_t minute = b.time - b.time % 60;
  auto [it, first] = streamed_.try_emplace(minute, b);
  SimBar& m = it->second;
  if (first) {
    m.time = minute;
  } else {
    m.high = std::max(m.high, b.high);
    m.low = std::min(m.low, b.low);
    m.close = b.close;
    m.volume += b.volume;
  }
  return b;
}

double MarketFeed::history_close(std::int64_t minute) const {
  // A smooth swing with a little hashed noise, anchored at the start price.
  const std::uint64_t h = static_cast<std::uint64_t>(minute) * 0x9E3779B97F4A7C15ULL;
  const double noise = 0.25 * static_cast<double>((h >> 59) % 8) - 1.0;
  return to_tick(base_ + 12.0 * std::sin(static_cast<double>(minute) / 9.0) + noise);
}

std::vector<SimBar> MarketFeed::minute_bars(std::int64_t from, std::int64_t to) const {
  std::vector<SimBar> out;
  const std::int64_t current = now_ - now_ % 60;
  for (std::int64_t t = from - ((from % 60) + 60) % 60; t < to; t += 60) {
    if (t < from) continue;
    if (t > current) break;
    SimBar b;
    b.time = t;
    if (auto it = streamed_.find(t); it != streamed_.end()) {
      // Streamed: what the bars said (the minute in progress is partial, as TWS sends it).
      b.open = it->second.open;
      b.high = it->second.high;
      b.low = it->second.low;
      b.close = it->second.close;
      b.volume = it->second.volume;
    } else if (t == current) {
      b.open = b.high = b.low = b.close = last_;
    } else {
      const std::int64_t m = t / 60;
      b.open = history_close(m - 1);
      b.close = history_close(m);
      b.high = std::max(b.open, b.close) + 0.5;
      b.low = std::min(b.open, b.close) - 0.5;
      b.volume = static_cast<double>(50 + (m % 17) * 3);
    }
    b.wap = to_tick((b.high + b.low + b.close) / 3);
    b.count = static_cast<std::int64_t>(b.volume / 2) + 1;
    out.push_back(b);
  }
  return out;
}

}  // namespace slob::tools::ib_gateway_sim
