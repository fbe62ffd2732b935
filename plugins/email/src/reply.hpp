#pragma once

// SMTP replies (RFC 5321 4.2): one or more lines "NNN-text" ending with "NNN text" (or a bare
// "NNN"), all with the same code; and the EHLO keywords the client acts on.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slob/sdk/status.hpp"

namespace slob::plugins::email {

struct Reply {
  int code = 0;
  std::vector<std::string> lines;  // the text after "NNN-" / "NNN ", one per line

  // "535 5.7.8 authentication failed": the code and the lines joined by " / ", with control
  // characters replaced and cut at 300 characters, so a server cannot break or flood our log line.
  std::string summary() const;
};

// Collects the lines of one reply. Not thread-safe; one parser per connection.
class ReplyParser {
 public:
  // Feeds one line without its CRLF. Returns the reply when this was its last line, nullopt when
  // more lines follow, or corruption for a line that is not "NNN", "NNN-…" or "NNN …", a code
  // that changes within the reply, or more than kMaxLines lines. After a reply or an error the
  // parser starts afresh.
  sdk::Result<std::optional<Reply>> feed(std::string_view line);

  static constexpr std::size_t kMaxLines = 100;

 private:
  Reply pending_;
};

// What the client needs from an EHLO reply.
struct Capabilities {
  bool starttls = false;
  bool auth_plain = false;
  bool auth_login = false;
};

// Reads the keywords of a 250 EHLO reply (case-insensitive; the first line is the greeting).
Capabilities parse_capabilities(const Reply& ehlo);

}  // namespace slob::plugins::email
