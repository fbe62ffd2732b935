// SMTP reply parsing (single and multi-line) and the EHLO keywords the client acts on.
#include <catch2/catch.hpp>

#include "reply.hpp"

using namespace slob::plugins::email;

namespace {

// Feeds `lines`; returns the reply completed by the last one (all earlier ones must not complete).
Reply parse(ReplyParser& parser, const std::vector<std::string>& lines) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto fed = parser.feed(lines[i]);
    REQUIRE(fed.is_ok());
    if (i + 1 < lines.size()) {
      REQUIRE(!fed->has_value());
    } else {
      REQUIRE(fed->has_value());
      return **fed;
    }
  }
  FAIL("no lines");
  return {};
}

}  // namespace

TEST_CASE("reply: single and multi-line replies") {
  ReplyParser parser;
  auto r = parse(parser, {"220 mail.example ESMTP ready"});
  CHECK(r.code == 220);
  CHECK(r.lines == std::vector<std::string>{"mail.example ESMTP ready"});

  r = parse(parser, {"250-mail.example", "250-STARTTLS", "250 SIZE 1000"});
  CHECK(r.code == 250);
  CHECK(r.lines == std::vector<std::string>{"mail.example", "STARTTLS", "SIZE 1000"});
  CHECK(r.summary() == "250 mail.example / STARTTLS / SIZE 1000");

  r = parse(parser, {"354"});  // a bare code is a last line
  CHECK(r.code == 354);
  CHECK(r.summary() == "354");
}

TEST_CASE("reply: malformed lines are refused and the parser starts afresh") {
  ReplyParser parser;
  CHECK(parser.feed("hello").status().message() == "malformed reply line: \"hello\"");
  CHECK(parser.feed("250x").status().message() == "malformed reply line: \"250x\"");
  CHECK(parser.feed("650 nope").status().message() == "malformed reply line: \"650 nope\"");
  REQUIRE(parser.feed("250-first").is_ok());
  CHECK(parser.feed("220 other").status().message() ==
        "reply code changed within a reply: \"220 other\"");
  CHECK(parse(parser, {"221 bye"}).code == 221);

  for (std::size_t i = 0; i < ReplyParser::kMaxLines; ++i) REQUIRE(parser.feed("250-x").is_ok());
  CHECK(parser.feed("250 x").status().message() == "reply longer than 100 lines: \"250 x\"");
}

TEST_CASE("reply: the summary is one printable line of bounded length") {
  Reply r{535, {"5.7.8 bad\tcredentials\x1b[31m"}};
  CHECK(r.summary() == "535 5.7.8 bad?credentials?[31m");
  Reply flood{550, {std::string(1000, 'x')}};
  CHECK(flood.summary().size() == 303);
  CHECK(flood.summary().substr(300) == "...");
}

TEST_CASE("reply: EHLO keywords") {
  ReplyParser parser;
  auto caps = parse_capabilities(
      parse(parser, {"250-mail.example", "250-8BITMIME", "250-starttls", "250 AUTH login Plain"}));
  CHECK(caps.starttls);
  CHECK(caps.auth_plain);
  CHECK(caps.auth_login);

  // The greeting line is not a keyword; the obsolete "AUTH=" form is not read.
  caps = parse_capabilities(parse(parser, {"250-STARTTLS", "250 AUTH=PLAIN"}));
  CHECK(!caps.starttls);
  CHECK(!caps.auth_plain);
  caps = parse_capabilities(parse(parser, {"250-x", "250 AUTH CRAM-MD5"}));
  CHECK(!caps.auth_plain);
  CHECK(!caps.auth_login);
}
