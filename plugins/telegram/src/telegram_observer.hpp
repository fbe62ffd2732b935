#pragma once

// The `telegram` observer: each Delivery is one Bot API sendMessage (an HTTPS POST through
// http_post) with the alert's HTML text; Telegram's answer decides the result (README.md
// "Results"). The bot token is in the request's path: reasons name the peer as destination()
// does, without it.
//
// Threading: everything on the host's loop (HostServices::io_context()); `done` runs there.

#include <functional>
#include <string>

#include "https_client.hpp"
#include "slob/sdk/host_services.hpp"
#include "slob/sdk/observer.hpp"
#include "telegram_config.hpp"

namespace slob::plugins::telegram {

// Telegram's limit on a message's text (after entities are parsed: our bytes are at least as
// many as its characters, so a text of at most this many bytes always fits).
inline constexpr std::size_t kMaxMessageBytes = 4096;

// POST {base_url}/bot<token>/sendMessage with {"chat_id", "text", "parse_mode": "HTML",
// "disable_web_page_preview": true}.
webhook::PostRequest send_message_request(const TelegramConfig& config,
                                          const sdk::Delivery& delivery);

// The delivery's result from the POST's: README.md "Results".
sdk::DeliveryResult telegram_result(const webhook::PostResult& post, const std::string& token);

class TelegramObserver final : public sdk::Observer {
 public:
  TelegramObserver(sdk::HostServices& host, TelegramConfig config);
  ~TelegramObserver() override;

  void deliver(const sdk::Delivery& delivery,
               std::function<void(sdk::DeliveryResult)> done) override;
  void cancel() override;
  std::string destination() const override;
  void stop(std::function<void()> done) override;

 private:
  sdk::HostServices& host_;
  const TelegramConfig config_;
  webhook::PostHandle in_flight_;
};

}  // namespace slob::plugins::telegram
