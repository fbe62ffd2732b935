#include "generator.hpp"

#include <cstdio>
#include <limits>
#include <algorithm>

#include <date/date.h>

#include "bar_walk.hpp"
#include "random.hpp"
#include "sessions.hpp"

namespace slob::tools::gen_nq_data {
namespace {

using std::chrono::minutes;

struct RegimeParams {
  double sigma;
  double volume;
};

RegimeParams params_for(Regime r) {
  switch (r) {
    case Regime::kAsia: return {2.5, 60};
    case Regime::kLondon: return {5.0, 250};
    case Regime::kNyOpen: return {11.0, 900};
    case Regime::kNy: return {7.0, 500};
    case Regime::kNyLate: return {4.0, 200};
    case Regime::kClosed: break;
  }
  return {0, 0};
}

std::string date_text(std::chrono::sys_days d) {
  return date::format("%F", d);
}

// The state of one Stockholm trading day while its minutes are generated.
struct DayState {
  std::chrono::sys_days date{};
  TradingDay times{};
  DayPlan plan;
  double lse_high = -std::numeric_limits<double>::infinity();
  double lse_low = std::numeric_limits<double>::infinity();
  bool script_built = false;
  std::vector<sdk::Candle> script;
  std::size_t next_script_bar = 0;
  bool after_script = false;  // the planted bars are all out
};

}  // namespace

sdk::Result<DayPlan> parse_day_plan(const std::string& text) {
  if (text == "quiet") return DayPlan{DayKind::kQuiet, SetupDirection::kShort, SetupOutcome::kWin};
  if (text == "random") return DayPlan{DayKind::kRandom, SetupDirection::kShort, SetupOutcome::kWin};
  const auto dash = text.find('-');
  const std::string dir = text.substr(0, dash);
  const std::string out = dash == std::string::npos ? "" : text.substr(dash + 1);
  DayPlan p{DayKind::kSetup, SetupDirection::kShort, SetupOutcome::kWin};
  bool ok = dir == "short" || dir == "long";
  if (dir == "long") p.direction = SetupDirection::kLong;
  if (out == "win") p.outcome = SetupOutcome::kWin;
  else if (out == "loss") p.outcome = SetupOutcome::kLoss;
  else if (out == "range") p.outcome = SetupOutcome::kRangeInvalid;
  else if (out == "timeout") p.outcome = SetupOutcome::kTimeout;
  else ok = false;
  if (!ok) {
    return sdk::Status::invalid_argument(
        "bad day plan \"" + text +
        "\": use quiet, random or <short|long>-<win|loss|range|timeout>");
  }
  return p;
}

std::string day_plan_name(const DayPlan& p) {
  if (p.kind == DayKind::kQuiet) return "quiet";
  if (p.kind == DayKind::kRandom) return "random";
  static const char* kOutcomes[] = {"win", "loss", "range", "timeout"};
  return std::string(p.direction == SetupDirection::kShort ? "short-" : "long-") +
         kOutcomes[static_cast<int>(p.outcome)];
}

sdk::Result<GeneratedData> generate(const GeneratorOptions& options) {
  for (const auto& monday : options.weeks) {
    if (date::weekday{monday} != date::Monday)
      return sdk::Status::invalid_argument("week " + date_text(monday) + " is not a Monday");
  }
  for (const auto& [day, plan] : options.plan) {
    const date::weekday wd{day};
    bool inside = false;
    for (const auto& monday : options.weeks) inside |= day >= monday && day < monday + date::days(5);
    if (wd == date::Saturday || wd == date::Sunday || !inside) {
      return sdk::Status::invalid_argument("plan day " + date_text(day) +
                                           " is not a weekday of the generated weeks");
    }
  }

  Random rng(options.seed);
  GeneratedData data;
  double price = to_tick(options.start_price);
  DayState day;
  for (const auto& monday : options.weeks) {
    const Week week = globex_week(monday);
    for (sdk::Time t = week.begin; t < week.end; t += minutes(1)) {
      const Regime regime = regime_at(t);
      if (regime == Regime::kClosed) continue;
      const auto date = stockholm_date(t);
      if (date != day.date) {
        day = DayState{};
        day.date = date;
        day.times = trading_day(date);
        if (auto it = options.plan.find(date); it != options.plan.end()) day.plan = it->second;
      }
      const RegimeParams rp = params_for(regime);
      const bool in_ny = t >= day.times.ny_open && t < day.times.cutoff;
      if (in_ny && !day.script_built && day.plan.kind != DayKind::kRandom &&
          day.lse_high > day.lse_low) {
        day.script_built = true;
        PlantedDay planted{date, day.plan, day.lse_high, day.lse_low, {}};
        if (day.plan.kind == DayKind::kSetup) {
          planted.setup = build_setup(rng, {day.plan.direction, day.plan.outcome, day.lse_high,
                                            day.lse_low, price, t, rp.volume});
          day.script = planted.setup.bars;
        }
        data.planted.push_back(std::move(planted));
      }
      sdk::Candle bar;
      if (day.next_script_bar < day.script.size()) {
        bar = day.script[day.next_script_bar++];
        day.after_script = day.next_script_bar == day.script.size();
      } else {
        WalkParams wp;
        wp.sigma = rp.sigma;
        wp.volume = rp.volume;
        // Quiet days, and planted days once their script is over, stay inside the London
        // range for the rest of the New York window (a price outside it ratchets back in), so
        // the planted setup is the day's only candidate apart from one the way back may start.
        if (in_ny && (day.after_script || (day.plan.kind == DayKind::kQuiet && day.script_built))) {
          wp.band = Band{day.lse_low + 2, day.lse_high - 2};
          wp.drift = to_tick((day.lse_high + day.lse_low) / 2 - price) * 0.03;
        }
        bar = walk_bar(rng, t, price, wp);
      }
      if (bar.start != t) return sdk::Status::internal("planted bars crossed a session break");
      if (t >= day.times.london_open && t < day.times.ny_open) {
        day.lse_high = std::max(day.lse_high, bar.high);
        day.lse_low = std::min(day.lse_low, bar.low);
      }
      price = bar.close;
      data.bars.push_back(bar);
    }
  }
  return data;
}

std::string to_csv(const std::vector<sdk::Candle>& bars) {
  std::string out = "time,open,high,low,close,volume\n";
  out.reserve(bars.size() * 64);
  char line[160];
  for (const auto& c : bars) {
    std::snprintf(line, sizeof line, "%s,%.2f,%.2f,%.2f,%.2f,%.0f\n",
                  sdk::format_rfc3339(c.start).c_str(), c.open, c.high, c.low, c.close, c.volume);
    out += line;
  }
  return out;
}

}  // namespace slob::tools::gen_nq_data
