#include "telegram_config.hpp"

#include <algorithm>
#include <cctype>

#include "secret_file.hpp"

namespace slob::plugins::telegram {
namespace {

// What BotFather hands out ("123456789:AAH..."): anything else would change the request path.
bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '_' || c == '-';
}

bool is_username_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

std::string destination(const TelegramConfig& config) {
  std::string base = config.base_url.display();
  if (base.ends_with("/")) base.pop_back();
  const auto* id = std::get_if<std::int64_t>(&config.chat_id);
  return base + " chat " + (id ? std::to_string(*id) : std::get<std::string>(config.chat_id));
}

sdk::Result<TelegramConfig> parse_telegram_config(const sdk::ConfigTable& table,
                                                  const std::string& config_dir) {
  sdk::ConfigReader reader(table);
  TelegramConfig out;

  if (auto token = read_secret(reader, "bot_token", config_dir, true)) {
    if (!std::all_of(token->begin(), token->end(), is_token_char)) {
      reader.add_error(reader.has("bot_token") ? "bot_token" : "bot_token_file",
                       "the bot token has a character a Bot API token does not have (expected "
                       "digits, a colon, letters, digits, '_' and '-')");
    }
    out.bot_token = std::move(*token);
  }

  const char* chat_id_help =
      "chat_id must be a chat's numeric id (e.g. -1001234567890) or a public channel's "
      "\"@username\"";
  if (const sdk::ConfigValue* v = reader.get("chat_id")) {
    const auto* id = std::get_if<std::int64_t>(&v->value);
    const auto* name = std::get_if<std::string>(&v->value);
    if (id && *id != 0) {
      out.chat_id = *id;
    } else if (name && name->size() > 1 && name->front() == '@' &&
               std::all_of(name->begin() + 1, name->end(), is_username_char)) {
      out.chat_id = *name;
    } else {
      reader.add_error("chat_id", chat_id_help);
    }
  } else {
    reader.add_error("chat_id", std::string("chat_id is required: ") + chat_id_help);
  }

  const std::string base = reader.get_string("base_url", kDefaultBaseUrl);
  if (auto url = webhook::parse_http_url(base); !url) {
    reader.add_error("base_url", "base_url: " + url.status().message());
  } else if (url->target.find('?') != std::string::npos) {
    reader.add_error("base_url", "base_url must not have a query");
  } else {
    out.base_url = *url;
    if (out.base_url.target.ends_with("/")) out.base_url.target.pop_back();
  }

  out.transport = webhook::read_transport_config(reader, config_dir);
  if (auto st = reader.finish(); !st) return st;
  return out;
}

}  // namespace slob::plugins::telegram
