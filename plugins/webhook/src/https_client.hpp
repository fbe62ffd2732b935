#pragma once

// One HTTP or HTTPS POST on the caller's io_context: the transport of the webhook and telegram
// alert plugins. No thread of its own (asio's resolver may use its internal one for names).
//
// TLS (https:// URLs): OpenSSL through Boost.Asio, TLS 1.2 or newer, the peer's chain verified
// against the system CA store or, when `ca_file` is set, against that file only; the certificate
// must name the URL's host (subjectAltName DNS name, or IP address for an IP literal). There is
// no way to turn verification off, and a failed handshake never falls back to clear text.
//
// Contract:
// - `done` runs exactly once, on the io_context thread, never from inside http_post() itself —
//   unless PostHandle::cancel() comes first: then it never runs.
// - The whole exchange (resolve, connect, handshake, request, response) is bounded by
//   `timeout`; on expiry the socket is closed and the result is kRetry "timed out after …".
// - Lifetime: the operation keeps itself alive until its handlers have run; the io_context must
//   outlive it (destroying the io_context drops it without calling `done`).

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "http_url.hpp"

namespace slob::plugins::webhook {

// The response body kept for the caller; a longer body is not read (the status still counts).
inline constexpr std::size_t kMaxResponseBody = 64 * 1024;

struct PostRequest {
  HttpUrl url;
  std::string body;
  std::string content_type = "application/json";
  // Sent as given after the fixed ones (Host, User-Agent, Content-Type, Content-Length,
  // Connection: close), e.g. {"Authorization", "Bearer …"}. A name that is not an HTTP token or
  // a value with a control character is refused (kRefused) before connecting.
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};
  std::string ca_file;  // PEM CA certificates trusted instead of the system store; "" = system
  // How reasons name the peer; "" = url.display(). For a URL whose path holds a secret (the
  // Telegram Bot API's /bot<token>/...), which display() would show.
  std::string peer;
};

enum class PostOutcome {
  kDelivered,  // 2xx
  kRefused,    // permanent: any other status except 408, 429 and 5xx; a bad request header
  kRetry,      // 5xx, 408, 429, timeout, resolve/connect/TLS/read failures, unreadable ca_file
};

const char* post_outcome_name(PostOutcome outcome);

// Why the header `name: value` cannot be sent, or "" when it can: a name that is not an HTTP
// token, a value with a control character (a line break would let whoever writes the value add
// headers or a second request). The rule http_post() applies, for config readers to apply first.
std::string header_problem(const std::string& name, const std::string& value);

struct PostResult {
  PostOutcome outcome = PostOutcome::kRetry;
  int http_status = 0;  // 0 when no status line was read
  // One line naming the peer (HttpUrl::display()) and what happened, e.g.
  // "https://127.0.0.1:8443/hook: certificate verify failed (certificate has expired)",
  // ".../hook: HTTP 500", ".../hook: timed out after 5s".
  std::string reason;
  std::string body;  // at most kMaxResponseBody bytes; empty when longer or not read
};

class PostOperation;

// The caller's hold on one POST in flight. Copyable; does not keep the operation alive.
class PostHandle {
 public:
  PostHandle() = default;
  explicit PostHandle(std::weak_ptr<PostOperation> operation) : operation_(std::move(operation)) {}
  // Aborts the exchange if it is still running: closes the socket, stops the timer and the
  // resolver, and `done` is never called. No effect once `done` ran or on an empty handle. Call
  // on the io_context thread.
  void cancel();

 private:
  std::weak_ptr<PostOperation> operation_;
};

PostHandle http_post(boost::asio::io_context& io, PostRequest request,
                     std::function<void(PostResult)> done);

}  // namespace slob::plugins::webhook
