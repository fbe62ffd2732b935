#pragma once

// An alert e-mail as RFC 5322 text: the headers (From, To, Subject, Date, Message-ID,
// MIME-Version) and a multipart/alternative body with a text/plain and a text/html part, both
// UTF-8 and quoted-printable, every line ending in CRLF. What goes on the wire after DATA is
// dot_stuffed(build_message(...)).

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "slob/sdk/status.hpp"

namespace slob::plugins::email {

struct Message {
  std::string from;             // addr-spec: local@domain (ASCII); its domain names the Message-ID
  std::vector<std::string> to;  // one or more addr-specs
  std::string subject;          // UTF-8; RFC 2047-encoded when not plain ASCII
  std::string text;             // UTF-8, any line ends
  std::string html;             // UTF-8, any line ends
  // The caller's idempotency key, 1-48 characters of [A-Za-z0-9._-]: the Message-ID is
  // <slob.KEY@domain-of-from>, so a retried alert carries the same id and a receiver (or a
  // human) can tell a re-delivery from a new alert.
  std::string idempotency_key;
  std::chrono::system_clock::time_point date;
};

// The message text, or invalid_argument naming the field: a malformed address, an empty
// recipient list, a key outside the alphabet, a CR or LF in the subject (header injection).
sdk::Result<std::string> build_message(const Message& message);

// Checks one addr-spec (local@domain, ASCII, no spaces or brackets); the SMTP client uses it
// for the envelope too.
sdk::Status check_address(std::string_view address);

// The DATA payload: every line starting with '.' gets a second one (RFC 5321 4.5.2), the data
// ends in CRLF, and the terminating ".\r\n" is appended.
std::string dot_stuffed(std::string_view data);

// The Subject header value: as is when printable ASCII (and no "=?"), else RFC 2047 "B"
// encoded words of at most 75 characters, each covering whole UTF-8 characters, folded with
// CRLF + space.
std::string encode_subject(std::string_view utf8);

// RFC 5322 date-time in UTC, e.g. "Tue, 06 Jan 2026 15:30:00 +0000".
std::string rfc5322_date(std::chrono::system_clock::time_point t);

}  // namespace slob::plugins::email
