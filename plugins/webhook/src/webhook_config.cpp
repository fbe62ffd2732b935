#include "webhook_config.hpp"

#include <algorithm>
#include <cctype>

#include "https_client.hpp"
#include "secret_file.hpp"

namespace slob::plugins::webhook {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Headers the plugin writes itself: one written twice would frame or route the request wrong,
// or contradict the body.
bool is_fixed_header(const std::string& name, bool bearer) {
  const std::string n = lower(name);
  for (const char* fixed : {"host", "content-length", "content-type", "connection",
                            "transfer-encoding", "idempotency-key"}) {
    if (n == fixed) return true;
  }
  return bearer && n == "authorization";
}

// "Name: value" (spaces around the value trimmed), or why not. `bearer`: Authorization comes
// from bearer_token.
sdk::Result<std::pair<std::string, std::string>> parse_header(const std::string& text,
                                                              bool bearer) {
  const auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0)
    return sdk::Status::invalid_argument("\"Name: value\" expected");
  std::string name = text.substr(0, colon);
  std::string value = text.substr(colon + 1);
  const auto first = value.find_first_not_of(" \t");
  value = first == std::string::npos ? "" : value.substr(first, value.find_last_not_of(" \t") - first + 1);
  if (auto why = header_problem(name, value); !why.empty())
    return sdk::Status::invalid_argument(why);
  if (is_fixed_header(name, bearer))
    return sdk::Status::invalid_argument("header \"" + name + "\" is set by the plugin itself");
  return std::make_pair(std::move(name), std::move(value));
}

}  // namespace

sdk::Result<WebhookConfig> parse_webhook_config(const sdk::ConfigTable& table,
                                                const std::string& config_dir) {
  sdk::ConfigReader reader(table);
  WebhookConfig out;

  const std::string url = reader.get_string("url", "");
  if (!reader.has("url")) {
    reader.add_error("url", "url is required (the http:// or https:// address to POST to)");
  } else if (auto parsed = parse_http_url(url)) {
    out.url = *parsed;
  } else if (std::holds_alternative<std::string>(reader.get("url")->value)) {
    reader.add_error("url", "url: " + parsed.status().message());
  }

  const std::string preset = reader.get_choice("preset", "generic", {"generic", "slack", "ntfy"});
  out.preset = preset == "slack" ? Preset::kSlack : preset == "ntfy" ? Preset::kNtfy : Preset::kGeneric;

  out.bearer_token = read_secret(reader, "bearer_token", config_dir, false);
  if (out.bearer_token) {
    if (auto why = header_problem("Authorization", *out.bearer_token); !why.empty())
      reader.add_error(reader.has("bearer_token") ? "bearer_token" : "bearer_token_file",
                       "the bearer token has a control character");
  }

  const bool bearer = out.bearer_token.has_value();
  const auto check = [&](const std::string& text) { return parse_header(text, bearer).status(); };
  if (const auto lines = reader.find_strings("headers", check)) {
    for (const auto& text : *lines) out.headers.push_back(*parse_header(text, bearer));
  }

  out.transport = read_transport_config(reader, config_dir);
  if (auto st = reader.finish(); !st) return st;
  return out;
}

}  // namespace slob::plugins::webhook
