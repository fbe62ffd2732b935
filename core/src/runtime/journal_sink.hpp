#pragma once

// The console under systemd: each line goes to journald through libsystemd's native protocol
// (sd_journal_sendv) with its priority and the stable id as fields of their own, so
// `journalctl -p crit` and `journalctl SLOB_ID=SLOB_SAFE_MODE_ENTERED` find it. Fields:
//   MESSAGE            "<level> <logger> <ID>: <text>" (no time stamp: journald keeps its own)
//   PRIORITY           2 critical, 3 error, 4 warn, 6 info, 7 debug and trace
//   SYSLOG_IDENTIFIER  slob-host
//   SLOB_ID            the stable id (docs/log-messages.md); absent for a line without one
//   SLOB_LOGGER        host, broker.ib, … (the logger's name)
// When the journal's socket is not there or refuses the entry, the line is written to stderr
// (the journal's stream) with the syslog prefix "<N>" instead, which journald reads as the
// priority (SyslogLevelPrefix=, on by default): the priority survives either way.
//
// Threading: spdlog's base_sink serialises calls.

#include <mutex>

#include <spdlog/sinks/base_sink.h>

namespace slob::core {

// Whether stderr is the journal: JOURNAL_STREAM is set and its "<dev>:<ino>" is fd 2's, as
// systemd.exec(5) says to check (a child whose stderr was redirected inherits the variable).
bool stderr_is_journal();

class JournalSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  JournalSink();

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override {}
};

}  // namespace slob::core
