// The alert e-mail's text: headers, RFC 2047 subjects, quoted-printable parts, the MIME
// structure and DATA's dot-stuffing. The integration test parses real deliveries with Python's
// email module; these cases pin the exact bytes.
#include <catch2/catch.hpp>

#include <sstream>

#include "encoding.hpp"
#include "message.hpp"

using namespace slob::plugins::email;

namespace {

// 2026-01-06 15:30:00 UTC, a Tuesday.
const auto kDate = std::chrono::system_clock::time_point(std::chrono::seconds(1767713400));

Message sample() {
  Message m;
  m.from = "alerts@bot.example";
  m.to = {"ops@example.org", "trader@example.net"};
  m.subject = "Stop hit";
  m.text = "Line one\n.starts with a dot\n";
  m.html = "<p>Line one</p>\n";
  m.idempotency_key = "20260106-S-1530.stop";
  m.date = kDate;
  return m;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find("\r\n", start);
    REQUIRE(end != std::string::npos);  // every line ends in CRLF
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

std::string base64_decode(const std::string& in) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (const char c : in) {
    if (c == '=') break;
    bits = (bits << 6) | static_cast<unsigned>(alphabet.find(c));
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("message: headers, both parts and the boundary, CRLF throughout") {
  auto built = build_message(sample());
  REQUIRE(built.is_ok());
  const auto lines = lines_of(*built);
  const std::string boundary = "=_slob_alt_20260106-S-1530.stop";
  const std::vector<std::string> expected = {
      "From: alerts@bot.example",
      "To: ops@example.org,",
      " trader@example.net",
      "Subject: Stop hit",
      "Date: Tue, 06 Jan 2026 15:30:00 +0000",
      "Message-ID: <slob.20260106-S-1530.stop@bot.example>",
      "MIME-Version: 1.0",
      "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"",
      "",
      "--" + boundary,
      "Content-Type: text/plain; charset=UTF-8",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "Line one",
      ".starts with a dot",
      "",
      "--" + boundary,
      "Content-Type: text/html; charset=UTF-8",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "<p>Line one</p>",
      "",
      "--" + boundary + "--",
  };
  CHECK(lines == expected);
}

TEST_CASE("message: refuses what would break or inject headers") {
  auto m = sample();
  SECTION("a line break in the subject") {
    m.subject = "Stop\r\nBcc: victim@example.org";
    CHECK(build_message(m).status().message() == "Subject: contains a line break");
  }
  SECTION("a recipient with a bracket") {
    m.to.push_back("x@example.org>");
    CHECK(build_message(m).status().message() ==
          "To: address \"x@example.org>\": unsupported character in the domain");
  }
  SECTION("a sender without a domain") {
    m.from = "alerts@";
    CHECK(build_message(m).status().message() ==
          "From: address \"alerts@\": not of the form local@domain");
  }
  SECTION("no recipient") {
    m.to.clear();
    CHECK(build_message(m).status().message() == "To: no recipient");
  }
  SECTION("a key that is not a Message-ID atom") {
    m.idempotency_key = "a/b";
    CHECK(build_message(m).status().message() ==
          "idempotency key \"a/b\": only letters, digits, '.', '_' and '-'");
  }
}

TEST_CASE("message: a non-ASCII subject becomes RFC 2047 encoded words of whole characters") {
  CHECK(encode_subject("Stop hit") == "Stop hit");
  CHECK(encode_subject("Stop ausgelöst: NQ 21 500 ▲") ==
        "=?UTF-8?B?U3RvcCBhdXNnZWzDtnN0OiBOUSAyMSA1MDAg4pay?=");
  // "=?" in ASCII would be read as an encoded word by the receiver: encode it too.
  CHECK(encode_subject("a =?b") == "=?UTF-8?B?YSA9P2I=?=");

  std::string long_subject;
  for (int i = 0; i < 30; ++i) long_subject += "ö▲";  // 2 + 3 bytes each
  const auto encoded = encode_subject(long_subject);
  std::istringstream words(encoded);
  std::string word;
  std::string decoded;
  int count = 0;
  while (std::getline(words, word, '\n')) {
    if (!word.empty() && word.back() == '\r') word.pop_back();
    if (count > 0) {
      REQUIRE(word.front() == ' ');  // folded
      word.erase(0, 1);
    }
    CHECK(word.size() <= 75);
    REQUIRE(word.rfind("=?UTF-8?B?", 0) == 0);
    const auto chunk = base64_decode(word.substr(10, word.size() - 12));
    // Each word decodes on its own to whole UTF-8 characters: no continuation byte first.
    CHECK((static_cast<unsigned char>(chunk.front()) & 0xC0) != 0x80);
    decoded += chunk;
    ++count;
  }
  CHECK(count == 4);  // 150 bytes, at most 45 per word
  CHECK(decoded == long_subject);
}

TEST_CASE("message: quoted-printable keeps lines short and bytes safe") {
  CHECK(quoted_printable("a=b") == "a=3Db");
  CHECK(quoted_printable("grüß") == "gr=C3=BC=C3=9F");
  CHECK(quoted_printable("trailing \nx") == "trailing=20\r\nx");
  CHECK(quoted_printable("tab\t") == "tab=09");
  CHECK(quoted_printable("a\r\nb\n") == "a\r\nb\r\n");

  const std::string long_line(200, 'x');
  std::string umlauts;
  for (int i = 0; i < 100; ++i) umlauts += "ö";
  const auto encoded = quoted_printable(long_line + "\n" + umlauts);
  std::string joined;
  for (const auto& line : lines_of(encoded + "\r\n")) {
    CHECK(line.size() <= 76);
    joined += line;
  }
  CHECK(encoded.find("=_") == std::string::npos);  // our boundaries start with "=_"
  // Undoing the soft breaks gives the text back, byte for byte where unencoded.
  std::string unsoftened;
  std::size_t pos = 0;
  while (pos < encoded.size()) {
    if (encoded.compare(pos, 3, "=\r\n") == 0) {
      pos += 3;
    } else {
      unsoftened += encoded[pos++];
    }
  }
  CHECK(unsoftened.substr(0, 202) == long_line + "\r\n");
  std::string expected_tail;
  for (int i = 0; i < 100; ++i) expected_tail += "=C3=B6";
  CHECK(unsoftened.substr(202) == expected_tail);
}

TEST_CASE("message: DATA doubles a leading dot and ends with the terminator") {
  CHECK(dot_stuffed("a\r\n.b\r\n..c\r\n") == "a\r\n..b\r\n...c\r\n.\r\n");
  CHECK(dot_stuffed(".first\r\nlast") == "..first\r\nlast\r\n.\r\n");
  CHECK(dot_stuffed("mid.dle\r\n") == "mid.dle\r\n.\r\n");
}

TEST_CASE("message: the date is RFC 5322 in UTC") {
  CHECK(rfc5322_date(kDate) == "Tue, 06 Jan 2026 15:30:00 +0000");
  CHECK(rfc5322_date(std::chrono::system_clock::time_point(std::chrono::seconds(951782400))) ==
        "Tue, 29 Feb 2000 00:00:00 +0000");
}
