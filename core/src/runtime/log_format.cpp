#include "runtime/log_format.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/pattern_formatter.h>

namespace slob::core {
namespace {

// The time stamp of both file formats: UTC with milliseconds and a "Z".
std::string utc_stamp(spdlog::log_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = time_point_cast<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day ymd{day};
  const hh_mm_ss hms{ms - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count(),
                     hms.subseconds().count());
}

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    const MessageParts parts = split_message(payload);
    const nlohmann::ordered_json line = {
        {"time", utc_stamp(msg.time)},
        {"level", std::string_view(spdlog::level::to_string_view(msg.level).data(),
                                   spdlog::level::to_string_view(msg.level).size())},
        {"logger", std::string_view(msg.logger_name.data(), msg.logger_name.size())},
        {"id", parts.id},
        {"message", parts.text}};
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

}  // namespace

MessageParts split_message(std::string_view payload) {
  const auto colon = payload.find(": ");
  if (colon == std::string_view::npos || colon == 0 ||
      payload.substr(0, colon).find(' ') != std::string_view::npos) {
    return {{}, payload};
  }
  return {payload.substr(0, colon), payload.substr(colon + 2)};
}

int syslog_priority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical: return 2;
    case spdlog::level::err: return 3;
    case spdlog::level::warn: return 4;
    case spdlog::level::info: return 6;
    default: return 7;
  }
}

std::unique_ptr<spdlog::formatter> utc_text_formatter() {
  return std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%eZ %l %n %v",
                                                     spdlog::pattern_time_type::utc);
}

std::unique_ptr<spdlog::formatter> json_formatter() { return std::make_unique<JsonFormatter>(); }

}  // namespace slob::core
