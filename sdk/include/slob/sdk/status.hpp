#pragma once

// Errors as values (LevelDB's Status): nothing throws across the plugin boundary. Every plugin
// call that can fail returns a Status or a Result<T>; the host turns failures into degraded mode
// or safe mode.

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace slob::sdk {

enum class StatusCode {
  kOk,
  kInvalidArgument,     // the caller passed something malformed (config, order, input file)
  kNotFound,            // the thing asked for does not exist
  kCorruption,          // stored or received data cannot be decoded
  kIoError,             // the operating system refused (disk, socket)
  kUnavailable,         // not now: disconnected, busy, the order channel is down
  kFailedPrecondition,  // not in this state: halted, safe mode, schema too new
  kResourceExhausted,   // a limit was reached: map full, pacing
  kInternal,            // a bug: an invariant did not hold
};

const char* status_code_name(StatusCode code) noexcept;

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  static Status invalid_argument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status not_found(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status io_error(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status failed_precondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status resource_exhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool is_ok() const noexcept { return code_ == StatusCode::kOk; }
  explicit operator bool() const noexcept { return is_ok(); }
  StatusCode code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline const char* status_code_name(StatusCode code) noexcept {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid argument";
    case StatusCode::kNotFound: return "not found";
    case StatusCode::kCorruption: return "corruption";
    case StatusCode::kIoError: return "I/O error";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kFailedPrecondition: return "failed precondition";
    case StatusCode::kResourceExhausted: return "resource exhausted";
    case StatusCode::kInternal: return "internal error";
  }
  return "unknown";
}

// A value or the Status saying why there is none. Result<T> from an ok Status is a bug.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : value_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool is_ok() const noexcept { return std::holds_alternative<T>(value_); }
  explicit operator bool() const noexcept { return is_ok(); }

  // Precondition for value(): is_ok().
  T& value() & { return std::get<T>(value_); }
  const T& value() const& { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  Status status() const {
    if (is_ok()) return Status::ok();
    return std::get<Status>(value_);
  }

 private:
  std::variant<T, Status> value_;
};

}  // namespace slob::sdk
