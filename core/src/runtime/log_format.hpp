#pragma once

// How a log line is laid out, shared by the sinks (logging.cpp, journal_sink, log_file_sink).
//
// Every line is written by log_line() (logging.hpp) as spdlog's payload "<ID>: <text>"; the
// sinks that carry the id as a field of its own (the journal's SLOB_ID, the JSON "id") split it
// off again with split_message(), so the one place that builds lines stays log_line().

#include <memory>
#include <string_view>

#include <spdlog/formatter.h>
#include <spdlog/common.h>

namespace slob::core {

struct MessageParts {
  std::string_view id;    // empty when the payload does not start with "<ID>: "
  std::string_view text;  // the rest (the whole payload when there is no id)
};

// Splits "<ID>: <text>". The id is what precedes the first ": " when it has no space in it.
MessageParts split_message(std::string_view payload);

// syslog(3) priority of a level: critical 2, error 3, warn 4, info 6, debug and trace 7.
int syslog_priority(spdlog::level::level_enum level);

// "2026-12-06T12:00:00.123Z info host SLOB_…: text" (UTC, as the files rotate at UTC midnight).
std::unique_ptr<spdlog::formatter> utc_text_formatter();

// One JSON object per line: {"time","level","logger","id","message"}, the time as in
// utc_text_formatter(); strings escaped, invalid UTF-8 replaced by U+FFFD.
std::unique_ptr<spdlog::formatter> json_formatter();

}  // namespace slob::core
