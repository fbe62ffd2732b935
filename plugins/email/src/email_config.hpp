#pragma once

// The email observer's own table ([observer.config], README.md "Configuration"), read with
// sdk::ConfigReader: every error at once, each "FILE:LINE:COL: [observer.config] ...".
//
// Everything the table names is read here, read-only, so a mistake in any of it is a config
// error at startup (and in `slob-host --check`), never a failed alert later: the password file
// (plugins/secret_file's rules), the ca_file (a usable PEM bundle) and the template overrides.

#include <string>

#include "slob/sdk/config.hpp"
#include "slob/sdk/status.hpp"
#include "smtp_client.hpp"
#include "template.hpp"

namespace slob::plugins::email {

// The override files looked for in templates_dir; any may be missing (its default is used).
inline constexpr const char kSubjectTemplateFile[] = "subject.txt";
inline constexpr const char kTextTemplateFile[] = "body.txt";
inline constexpr const char kHtmlTemplateFile[] = "body.html";

struct EmailConfig {
  ClientConfig client;  // host, port, mode, ca_file (absolute), username, password, timeout
  Envelope envelope;    // from, to
  std::string subject_prefix;
  Templates templates;  // the defaults with the operator's overrides
};

// Relative paths (password_file, ca_file, templates_dir) resolve against `config_dir`.
sdk::Result<EmailConfig> parse_email_config(const sdk::ConfigTable& table,
                                            const std::string& config_dir);

}  // namespace slob::plugins::email
