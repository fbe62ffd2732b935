#include "template.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "alert_text.hpp"

namespace slob::plugins::email {

namespace {

// The subject is the title alone: the plugin puts its subject_prefix in front.
constexpr std::string_view kDefaultSubject = "{{title}}";

constexpr std::string_view kDefaultText = R"({{title}}

{{events}}
Host:     {{host}}
Observer: {{observer}}
Delivery: {{delivery_id}}
)";

constexpr std::string_view kDefaultHtml = R"(<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>{{title}}</title></head>
<body>
<h2>{{title}}</h2>
{{events}}
<p>Host {{host}}, observer {{observer}}, delivery {{delivery_id}}.</p>
</body>
</html>
)";

std::size_t line_of(std::string_view text, std::size_t pos) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < pos; ++i) line += text[i] == '\n';
  return line;
}

// `where` prefixes the line number in errors: "line " for a template in memory, "<path>:" for a
// file, so both read naturally.
sdk::Result<std::string> render_at(std::string_view tmpl, const Values& values, Escape escape,
                                   const std::string& where) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    const auto open = tmpl.find("{{", pos);
    if (open == std::string_view::npos) {
      out += tmpl.substr(pos);
      return out;
    }
    out += tmpl.substr(pos, open - pos);
    const auto close = tmpl.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return sdk::Status::invalid_argument(where + std::to_string(line_of(tmpl, open)) +
                                           ": unclosed {{");
    }
    const auto name = tmpl.substr(open + 2, close - open - 2);
    const auto it = values.find(name);
    if (it == values.end()) {
      return sdk::Status::invalid_argument(where + std::to_string(line_of(tmpl, open)) +
                                           ": unknown placeholder {{" + std::string(name) + "}}");
    }
    out += escape == Escape::kHtml ? alert_text::html_escape(it->second) : it->second;
    pos = close + 2;
  }
}

}  // namespace

sdk::Result<std::string> render(std::string_view tmpl, const Values& values, Escape escape) {
  return render_at(tmpl, values, escape, "line ");
}

Templates default_templates() {
  return {std::string(kDefaultSubject), std::string(kDefaultText), std::string(kDefaultHtml)};
}

sdk::Result<std::string> load_template_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return sdk::Status::invalid_argument(path.string() + ": cannot read: " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return sdk::Status::invalid_argument(path.string() + ": cannot read: " + std::strerror(errno));
  }
  Values known;
  for (const char* name : kPlaceholders) known.emplace(name, "");
  // Escaping does not matter for the check: only the placeholders are looked at.
  if (auto checked = render_at(text.str(), known, Escape::kNone, path.string() + ":"); !checked) {
    return checked.status();
  }
  return text.str();
}

sdk::Result<Rendered> render_all(const Templates& templates, const Values& values,
                                 const Values& html_markup) {
  auto subject = render(templates.subject, values, Escape::kNone);
  if (!subject) return sdk::Status::invalid_argument("subject template: " + subject.status().message());
  auto text = render(templates.text, values, Escape::kNone);
  if (!text) return sdk::Status::invalid_argument("text template: " + text.status().message());
  Values html_values = html_markup;
  for (const auto& [name, value] : values) {
    html_values.emplace(name, alert_text::html_escape(value));
  }
  auto html = render(templates.html, html_values, Escape::kNone);
  if (!html) return sdk::Status::invalid_argument("HTML template: " + html.status().message());
  for (char& c : *subject) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return Rendered{std::move(*subject), std::move(*text), std::move(*html)};
}

}  // namespace slob::plugins::email
