#include "runtime/journal_sink.hpp"

#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#define SD_JOURNAL_SUPPRESS_LOCATION  // CODE_FILE= would name this file for every line
#include <systemd/sd-journal.h>

#include "runtime/log_format.hpp"

namespace slob::core {
namespace {

// Where libsystemd sends entries (fixed by systemd). libsystemd drops an entry silently when
// nothing is there (ENOENT counts as success), so the sink looks first.
constexpr const char* kJournalSocket = "/run/systemd/journal/socket";

bool journal_socket_present() {
  struct stat st {};
  return ::stat(kJournalSocket, &st) == 0 && S_ISSOCK(st.st_mode);
}

// The whole of `text` to fd 2; a closed or full stderr loses the line (SIGPIPE is ignored).
void write_stderr(std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(STDERR_FILENO, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

iovec field(const std::string& s) { return {const_cast<char*>(s.data()), s.size()}; }

}  // namespace

bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (!stream) return false;
  unsigned long long dev = 0, ino = 0;
  char extra = 0;
  if (std::sscanf(stream, "%llu:%llu%c", &dev, &ino, &extra) != 2) return false;
  struct stat st {};
  if (::fstat(STDERR_FILENO, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev &&
         static_cast<unsigned long long>(st.st_ino) == ino;
}

JournalSink::JournalSink() { set_pattern_("%l %n %v"); }

void JournalSink::sink_it_(const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t formatted;
  formatter_->format(msg, formatted);
  std::string line(formatted.data(), formatted.size());
  while (!line.empty() && line.back() == '\n') line.pop_back();
  const int priority = syslog_priority(msg.level);
  const MessageParts parts = split_message(std::string_view(msg.payload.data(), msg.payload.size()));

  if (journal_socket_present()) {
    const std::string fields[] = {
        "MESSAGE=" + line,
        "PRIORITY=" + std::to_string(priority),
        "SYSLOG_IDENTIFIER=slob-host",
        "SLOB_LOGGER=" + std::string(msg.logger_name.data(), msg.logger_name.size()),
        "SLOB_ID=" + std::string(parts.id)};
    iovec iov[5];
    int n = 0;
    for (const std::string& f : fields)
      if (f != "SLOB_ID=") iov[n++] = field(f);
    if (sd_journal_sendv(iov, n) >= 0) return;
  }
  // Every line of a multi-line message gets the prefix: journald reads each as its own entry.
  const std::string prefix = "<" + std::to_string(priority) + ">";
  std::string out = prefix;
  for (char c : line) {
    out.push_back(c);
    if (c == '\n') out += prefix;
  }
  out.push_back('\n');
  write_stderr(out);
}

}  // namespace slob::core
