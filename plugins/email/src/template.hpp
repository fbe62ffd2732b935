#pragma once

// The alert's subject, plain-text and HTML bodies from `{{name}}` templates. Deliberately
// minimal: placeholders only, no conditionals or loops (the list of events is one placeholder,
// rendered by the plugin, alert_render.hpp). A value substituted into the HTML body is
// HTML-escaped (alert_text::html_escape: & < > ") unless the caller gives it as markup; into the
// subject, its line breaks become spaces (a header is one line).
// A template naming a placeholder that is not in kPlaceholders is refused when it is loaded, so
// an operator's typo is a config error, not an alert with a hole in it.

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "slob/sdk/status.hpp"

namespace slob::plugins::email {

// The names a template may use (values come from the alert; README.md documents each).
inline constexpr const char* kPlaceholders[] = {"title", "events",      "severity", "count",
                                                "time",  "delivery_id", "observer", "host"};

using Values = std::map<std::string, std::string, std::less<>>;

enum class Escape { kNone, kHtml };

// `tmpl` with every {{name}} replaced by values[name] (escaped per `escape`). Errors
// (invalid_argument): "line N: unknown placeholder {{x}}" for a name with no value,
// "line N: unclosed {{".
sdk::Result<std::string> render(std::string_view tmpl, const Values& values, Escape escape);

struct Templates {
  std::string subject;
  std::string text;
  std::string html;
};

// The bundled defaults.
Templates default_templates();

// An operator's override file, checked against kPlaceholders. Errors name the file:
// "<path>: cannot read: No such file or directory", "<path>:3: unknown placeholder {{x}}".
sdk::Result<std::string> load_template_file(const std::filesystem::path& path);

struct Rendered {
  std::string subject;
  std::string text;
  std::string html;
};

// The three parts from `values`. In the HTML body a name in `html_markup` is replaced by that
// markup as it is (the caller escaped what it holds); every other value is escaped.
sdk::Result<Rendered> render_all(const Templates& templates, const Values& values,
                                 const Values& html_markup = {});

}  // namespace slob::plugins::email
