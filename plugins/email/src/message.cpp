#include "message.hpp"

#include <cstdio>
#include <string_view>

#include "encoding.hpp"

namespace slob::plugins::email {

namespace {

constexpr std::size_t kMaxKeyLength = 48;

bool is_atext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~.").find(c) != std::string_view::npos;
}

bool is_domain_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.';
}

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

bool plain_ascii(std::string_view s) {
  for (const char c : s) {
    if (c < 32 || c > 126) return false;
  }
  return s.find("=?") == std::string_view::npos;
}

// Length in bytes of the UTF-8 sequence starting with `lead` (1 for a stray continuation byte,
// so malformed input still advances).
std::size_t utf8_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

}  // namespace

sdk::Status check_address(std::string_view address) {
  const auto at = address.rfind('@');
  const auto bad = [&](const char* why) {
    return sdk::Status::invalid_argument("address \"" + std::string(address) + "\": " + why);
  };
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) {
    return bad("not of the form local@domain");
  }
  for (const char c : address.substr(0, at)) {
    if (!is_atext(c)) return bad("unsupported character in the local part");
  }
  const auto domain = address.substr(at + 1);
  for (const char c : domain) {
    if (!is_domain_char(c)) return bad("unsupported character in the domain");
  }
  if (domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string_view::npos) {
    return bad("empty label in the domain");
  }
  return sdk::Status::ok();
}

std::string encode_subject(std::string_view utf8) {
  if (plain_ascii(utf8)) return std::string(utf8);
  // "=?UTF-8?B?" + "?=" leave 63 of 75 characters: 60 base64 characters carry 45 bytes.
  constexpr std::size_t kBytesPerWord = 45;
  std::string out;
  std::size_t i = 0;
  while (i < utf8.size()) {
    std::size_t end = i;
    while (end < utf8.size()) {
      const std::size_t n = utf8_length(static_cast<unsigned char>(utf8[end]));
      if (end + n - i > kBytesPerWord) break;
      end += n;
    }
    if (end > utf8.size()) end = utf8.size();  // a truncated sequence at the very end
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64_encode(utf8.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string rfc5322_date(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<seconds>(t - day)};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0000",
                kDays[weekday{day}.c_encoding()], unsigned(ymd.day()),
                kMonths[unsigned(ymd.month()) - 1], int(ymd.year()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()));
  return buf;
}

sdk::Result<std::string> build_message(const Message& m) {
  if (auto s = check_address(m.from); !s) return sdk::Status::invalid_argument("From: " + s.message());
  if (m.to.empty()) return sdk::Status::invalid_argument("To: no recipient");
  for (const auto& to : m.to) {
    if (auto s = check_address(to); !s) return sdk::Status::invalid_argument("To: " + s.message());
  }
  if (m.subject.find_first_of("\r\n") != std::string::npos) {
    return sdk::Status::invalid_argument("Subject: contains a line break");
  }
  if (m.idempotency_key.empty() || m.idempotency_key.size() > kMaxKeyLength) {
    return sdk::Status::invalid_argument("idempotency key: must be 1-48 characters");
  }
  for (const char c : m.idempotency_key) {
    if (!is_key_char(c)) {
      return sdk::Status::invalid_argument("idempotency key \"" + m.idempotency_key +
                                           "\": only letters, digits, '.', '_' and '-'");
    }
  }
  const std::string domain = m.from.substr(m.from.rfind('@') + 1);
  // "=_" cannot occur in quoted-printable output, so the boundary cannot occur in a part.
  const std::string boundary = "=_slob_alt_" + m.idempotency_key;

  std::string out;
  out += "From: " + m.from + "\r\n";
  out += "To: ";
  for (std::size_t i = 0; i < m.to.size(); ++i) {
    if (i > 0) out += ",\r\n ";
    out += m.to[i];
  }
  out += "\r\n";
  out += "Subject: " + encode_subject(m.subject) + "\r\n";
  out += "Date: " + rfc5322_date(m.date) + "\r\n";
  out += "Message-ID: <slob." + m.idempotency_key + "@" + domain + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n";
  out += "\r\n";
  const auto part = [&](const char* type, const std::string& body) {
    out += "--" + boundary + "\r\n";
    out += std::string("Content-Type: ") + type + "; charset=UTF-8\r\n";
    out += "Content-Transfer-Encoding: quoted-printable\r\n";
    out += "\r\n";
    out += quoted_printable(body);
    out += "\r\n";
  };
  part("text/plain", m.text);
  part("text/html", m.html);
  out += "--" + boundary + "--\r\n";
  return out;
}

std::string dot_stuffed(std::string_view data) {
  std::string out;
  out.reserve(data.size() + 8);
  bool line_start = true;
  for (const char c : data) {
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = c == '\n';
  }
  if (!out.empty() && !(out.size() >= 2 && out.compare(out.size() - 2, 2, "\r\n") == 0)) {
    out += "\r\n";
  }
  out += ".\r\n";
  return out;
}

}  // namespace slob::plugins::email
