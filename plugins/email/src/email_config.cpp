#include "email_config.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "message.hpp"
#include "secret_file.hpp"
#include "tls_context.hpp"

namespace slob::plugins::email {

namespace {

namespace fs = std::filesystem;

constexpr std::chrono::seconds kDefaultTimeout{30};

std::string resolve(const std::string& path, const std::string& dir) {
  const fs::path p(path);
  if (p.is_absolute() || dir.empty()) return p.lexically_normal().string();
  return (fs::path(dir) / p).lexically_normal().string();
}

// The overrides present in `dir`, each checked (template.hpp); errors go to `templates_dir`.
void read_templates(sdk::ConfigReader& reader, const std::string& dir, Templates& templates) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    const std::string why = ec             ? "cannot read: " + ec.message()
                            : fs::exists(dir) ? std::string("not a directory")
                                              : std::string("cannot read: ") + std::strerror(ENOENT);
    reader.add_error("templates_dir", "templates_dir " + dir + ": " + why);
    return;
  }
  const auto load = [&](const char* name, std::string& into) {
    const fs::path path = fs::path(dir) / name;
    if (!fs::exists(path, ec)) return;
    auto text = load_template_file(path);
    if (!text) return reader.add_error("templates_dir", "templates_dir: " + text.status().message());
    into = std::move(*text);
  };
  load(kSubjectTemplateFile, templates.subject);
  load(kTextTemplateFile, templates.text);
  load(kHtmlTemplateFile, templates.html);
  // An editor's final line end is not part of the subject (a header is one line).
  while (!templates.subject.empty() &&
         (templates.subject.back() == '\n' || templates.subject.back() == '\r')) {
    templates.subject.pop_back();
  }
}

// username, password, password_file: a username needs exactly one of the two secrets (the pair
// read by read_secret(), plugins/secret_file), and a secret needs a username.
void read_credentials(sdk::ConfigReader& reader, const std::string& config_dir, ClientConfig& c) {
  c.username = reader.get_string("username", "");
  const bool has_password = reader.has("password");
  const bool has_file = reader.has("password_file");
  if (auto password = read_secret(reader, "password", config_dir, false)) {
    c.password = std::move(*password);
  }
  if (!c.username.empty() && !has_password && !has_file) {
    reader.add_error("username", "username needs password or password_file");
  }
  if (c.username.empty() && (has_password || has_file)) {
    reader.add_error(has_password ? "password" : "password_file",
                     "a password without username: set username too (AUTH needs both)");
  }
}

}  // namespace

sdk::Result<EmailConfig> parse_email_config(const sdk::ConfigTable& table,
                                            const std::string& config_dir) {
  sdk::ConfigReader reader(table);
  EmailConfig config;
  ClientConfig& c = config.client;

  c.host = reader.get_string("host", "");
  if (c.host.empty()) reader.add_error("host", "host (the SMTP server) is required");
  const std::string security = reader.get_choice("security", "starttls", {"starttls", "tls"});
  c.mode = security == "tls" ? TlsMode::kImplicit : TlsMode::kStartTls;
  c.port = static_cast<std::uint16_t>(
      reader.get_int("port", c.mode == TlsMode::kImplicit ? 465 : 587, 1, 65535));
  read_credentials(reader, config_dir, c);

  const std::string ca_file = reader.get_string("ca_file", "");
  if (!ca_file.empty()) {
    c.ca_file = resolve(ca_file, config_dir);
    if (auto tls = make_client_tls_context(c.ca_file); !tls) {
      reader.add_error("ca_file", tls.status().message());
    }
  }

  const auto timeout = reader.get_duration("timeout", kDefaultTimeout);
  c.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
  if (c.timeout.count() <= 0) reader.add_error("timeout", "timeout must be at least 1ms");

  config.envelope.from = reader.get_string("from", "");
  if (config.envelope.from.empty()) {
    reader.add_error("from", "from (the sender's address) is required");
  } else if (auto valid = check_address(config.envelope.from); !valid) {
    reader.add_error("from", "from: " + valid.message());
  }
  if (!reader.has("to")) {
    reader.add_error("to", "to (an array of recipients' addresses) is required");
  } else if (auto to = reader.find_strings("to", check_address, true)) {
    if (to->empty()) reader.add_error("to", "to must list at least one address");
    config.envelope.to = std::move(*to);
  }

  config.subject_prefix = reader.get_string("subject_prefix", "[slob-host]");
  if (config.subject_prefix.find_first_of("\r\n") != std::string::npos) {
    reader.add_error("subject_prefix", "subject_prefix must be one line");
  }
  config.templates = default_templates();
  if (const std::string dir = reader.get_string("templates_dir", ""); !dir.empty()) {
    read_templates(reader, resolve(dir, config_dir), config.templates);
  }

  if (auto st = reader.finish(); !st) return st;
  return config;
}

}  // namespace slob::plugins::email
