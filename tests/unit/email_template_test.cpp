// Templates (rendering, HTML escaping, operator override files) and the ca_file check.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

#include "template.hpp"
#include "temp_dir.hpp"
#include "tls_context.hpp"

using namespace slob::plugins::email;
using slob::test::TempDir;

namespace {

void write(const std::filesystem::path& p, const std::string& text, mode_t mode = 0600) {
  std::ofstream(p, std::ios::binary) << text;
  REQUIRE(::chmod(p.c_str(), mode) == 0);
}

Values full_values() {
  return {{"title", "Stop <hit> & \"filled\""}, {"events", "line 1\nline 2"},
          {"severity", "critical"},             {"count", "1"},
          {"time", "2026-01-06T15:30:00Z"},     {"delivery_id", "slob-42"},
          {"observer", "ops-mail"},             {"host", "bot1"}};
}

}  // namespace

TEST_CASE("template: placeholders are replaced, escaped only in HTML") {
  const Values v = {{"title", "a < b & 'c'"}};
  CHECK(*render("T: {{title}}!", v, Escape::kNone) == "T: a < b & 'c'!");
  CHECK(*render("<b>{{title}}</b>", v, Escape::kHtml) == "<b>a &lt; b &amp; 'c'</b>");
  CHECK(*render("<a title=\"{{title}}\">", {{"title", "\"x\""}}, Escape::kHtml) ==
        "<a title=\"&quot;x&quot;\">");
  CHECK(*render("no placeholders { } }}", v, Escape::kNone) == "no placeholders { } }}");
}

TEST_CASE("template: an unknown or unclosed placeholder is an error naming the line") {
  CHECK(render("a\nb {{nope}}", {}, Escape::kNone).status().message() ==
        "line 2: unknown placeholder {{nope}}");
  CHECK(render("a\n\nb {{title", {{"title", "x"}}, Escape::kNone).status().message() ==
        "line 3: unclosed {{");
}

TEST_CASE("template: the defaults render every placeholder, the subject stays one line") {
  auto rendered = render_all(default_templates(), full_values());
  REQUIRE(rendered.is_ok());
  CHECK(rendered->subject == "Stop <hit> & \"filled\"");
  CHECK(rendered->text.find("Stop <hit> & \"filled\"\n\nline 1\nline 2\n") == 0);
  CHECK(rendered->text.find("Delivery: slob-42") != std::string::npos);
  CHECK(rendered->html.find("<h2>Stop &lt;hit&gt; &amp; &quot;filled&quot;</h2>") != std::string::npos);
  CHECK(rendered->html.find("{{") == std::string::npos);

  auto values = full_values();
  values["title"] = "two\r\nlines";
  CHECK(render_all(default_templates(), values)->subject == "two  lines");
}

TEST_CASE("template: markup goes into the HTML body as it is, the text body gets the text") {
  const Templates t{"{{title}}", "{{events}}", "<h1>{{title}}</h1>{{events}}"};
  auto rendered = render_all(t, {{"title", "a<b"}, {"events", "x < y"}},
                             {{"events", "<table><tr><td>x &lt; y</td></tr></table>"}});
  REQUIRE(rendered.is_ok());
  CHECK(rendered->text == "x < y");
  CHECK(rendered->html == "<h1>a&lt;b</h1><table><tr><td>x &lt; y</td></tr></table>");
}

TEST_CASE("template: override files are checked when loaded, errors name the file") {
  TempDir dir;
  const auto good = dir / "alert.txt";
  write(good, "{{title}} at {{time}}\n");
  CHECK(*load_template_file(good) == "{{title}} at {{time}}\n");

  const auto typo = dir / "alert.html";
  write(typo, "<p>\n{{title}}\n{{detials}}</p>\n");
  CHECK(load_template_file(typo).status().message() ==
        typo.string() + ":3: unknown placeholder {{detials}}");

  const auto missing = dir / "missing.txt";
  CHECK(load_template_file(missing).status().message() ==
        missing.string() + ": cannot read: No such file or directory");
}

TEST_CASE("tls context: a ca_file that cannot be used is refused by name") {
  TempDir dir;
  const auto missing = dir / "ca.pem";
  CHECK(make_client_tls_context(missing.string()).status().message() ==
        "ca_file " + missing.string() + ": cannot read: No such file or directory");
  const auto junk = dir / "junk.pem";
  write(junk, "not a certificate\n");
  const auto refused = make_client_tls_context(junk.string());
  REQUIRE(!refused.is_ok());
  CHECK(refused.status().message().rfind("ca_file " + junk.string() + ": no PEM certificate could be loaded: ", 0) == 0);
  CHECK(make_client_tls_context("").is_ok());  // the system store
}
