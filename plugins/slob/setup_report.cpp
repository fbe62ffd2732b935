#include "setup_report.hpp"

#include <nlohmann/json.hpp>

namespace slob::plugins::slob {
namespace {

using Json = nlohmann::ordered_json;

Json time_or_null(const std::optional<sdk::Time>& t) {
  return t ? Json(sdk::format_rfc3339(*t)) : Json(nullptr);
}

Json number_or_null(const std::optional<double>& d) { return d ? Json(*d) : Json(nullptr); }

std::optional<double> real(const std::optional<double>& p, sdk::Direction d) {
  if (!p) return std::nullopt;
  return to_real(*p, d);
}

}  // namespace

ReportView report_view(const Candidate& c) {
  const sdk::Direction d = c.direction;
  const bool is_short = d == sdk::Direction::kShort;
  ReportView v;
  v.state = c.state;
  v.reason = c.reason;
  v.liq1_time = c.liq1_time;
  v.liq1_price = to_real(c.liq1_price, d);
  // Short space calls the swept extreme "high" and the pullback "low"; LONG swaps them back.
  v.high = is_short ? c.high : to_real(c.low, d);
  v.high_time = is_short ? c.high_time : c.low_time;
  v.high_confirm_time = is_short ? c.high_confirm_time : c.low_confirm_time;
  v.low = is_short ? c.low : to_real(c.high, d);
  v.low_time = is_short ? c.low_time : c.high_time;
  v.low_confirm_time = is_short ? c.low_confirm_time : c.high_confirm_time;
  if (c.liq2) {
    v.liq2_time = c.liq2->start;
    v.liq2_price = to_real(c.liq2->high, d);
    v.spike = to_real(c.spike_high, d);
  }
  if (c.nowick) v.nowick_time = c.nowick->start;
  v.entry_time = c.entry_time;
  v.entry = real(c.entry, d);
  v.stop = real(c.stop, d);
  v.target = real(c.target, d);
  v.rr = c.rr;
  v.end_time = c.end_time;
  return v;
}

std::string report_json(const Candidate& c, const ReportView& v) {
  Json j;
  j["id"] = c.id;
  j["direction"] = sdk::direction_name(c.direction);
  j["trading_day"] = c.trading_day;
  j["state"] = state_name(v.state);
  j["reason"] = v.reason == Reason::kNone ? Json(nullptr) : Json(reason_name(v.reason));
  j["liq1_time"] = sdk::format_rfc3339(v.liq1_time);
  j["liq1_price"] = v.liq1_price;
  j["high"] = v.high;
  j["high_time"] = sdk::format_rfc3339(v.high_time);
  j["high_confirm_time"] = time_or_null(v.high_confirm_time);
  j["low"] = v.low;
  j["low_time"] = sdk::format_rfc3339(v.low_time);
  j["low_confirm_time"] = time_or_null(v.low_confirm_time);
  j["liq2_time"] = time_or_null(v.liq2_time);
  j["liq2_price"] = number_or_null(v.liq2_price);
  j["nowick_time"] = time_or_null(v.nowick_time);
  j["spike"] = number_or_null(v.spike);
  j["entry_time"] = time_or_null(v.entry_time);
  j["entry"] = number_or_null(v.entry);
  j["stop"] = number_or_null(v.stop);
  j["target"] = number_or_null(v.target);
  j["rr"] = number_or_null(v.rr);
  j["lse_high"] = c.lse_high;
  j["lse_low"] = c.lse_low;
  j["end_time"] = time_or_null(v.end_time);
  return j.dump();
}

sdk::SetupRecord setup_record(const Candidate& c, const ReportView& v, sdk::Time updated) {
  sdk::SetupRecord r;
  r.id = c.id;
  r.direction = c.direction;
  r.state = state_name(v.state);
  r.live = c.active();
  r.report = report_json(c, v);
  r.updated = updated;
  return r;
}

}  // namespace slob::plugins::slob
