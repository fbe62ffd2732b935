#include "state_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace slob::plugins::sim {
namespace {

using nlohmann::json;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::int64_t micros(sdk::Time t) { return t.time_since_epoch().count(); }
sdk::Time from_micros(std::int64_t v) { return sdk::Time{sdk::Duration{v}}; }

json report_to_json(const sdk::OrderReport& r) {
  return {{"client_ref", r.client_ref}, {"broker_order_id", r.broker_order_id},
          {"perm_id", r.perm_id},       {"symbol", r.symbol},
          {"side", static_cast<int>(r.side)}, {"type", static_cast<int>(r.type)},
          {"price", r.price},           {"quantity", r.quantity},
          {"filled", r.filled},         {"avg_fill_price", r.avg_fill_price},
          {"state", static_cast<int>(r.state)}, {"reason", r.reason}};
}

sdk::OrderReport report_from_json(const json& j) {
  sdk::OrderReport r;
  r.client_ref = j.at("client_ref").get<std::string>();
  r.broker_order_id = j.at("broker_order_id").get<std::int64_t>();
  r.perm_id = j.at("perm_id").get<std::int64_t>();
  r.symbol = j.at("symbol").get<std::string>();
  r.side = static_cast<sdk::Side>(j.at("side").get<int>());
  r.type = static_cast<sdk::OrderType>(j.at("type").get<int>());
  r.price = j.at("price").get<double>();
  r.quantity = j.at("quantity").get<std::int64_t>();
  r.filled = j.at("filled").get<std::int64_t>();
  r.avg_fill_price = j.at("avg_fill_price").get<double>();
  r.state = static_cast<sdk::OrderState>(j.at("state").get<int>());
  r.reason = j.at("reason").get<std::string>();
  return r;
}

json execution_to_json(const sdk::Execution& e) {
  return {{"exec_id", e.exec_id}, {"client_ref", e.client_ref},
          {"broker_order_id", e.broker_order_id}, {"symbol", e.symbol},
          {"side", static_cast<int>(e.side)}, {"quantity", e.quantity},
          {"price", e.price}, {"time", micros(e.time)}, {"commission", e.commission}};
}

sdk::Execution execution_from_json(const json& j) {
  sdk::Execution e;
  e.exec_id = j.at("exec_id").get<std::string>();
  e.client_ref = j.at("client_ref").get<std::string>();
  e.broker_order_id = j.at("broker_order_id").get<std::int64_t>();
  e.symbol = j.at("symbol").get<std::string>();
  e.side = static_cast<sdk::Side>(j.at("side").get<int>());
  e.quantity = j.at("quantity").get<std::int64_t>();
  e.price = j.at("price").get<double>();
  e.time = from_micros(j.at("time").get<std::int64_t>());
  e.commission = j.at("commission").get<double>();
  return e;
}

json to_json(const PersistedState& s) {
  json orders = json::array();
  for (const auto& o : s.book.orders) {
    orders.push_back({{"report", report_to_json(o.report)}, {"leg", static_cast<int>(o.leg)},
                      {"flatten", o.flatten}, {"parent_ref", o.parent_ref},
                      {"peer_ref", o.peer_ref}, {"held", o.held},
                      {"active_from", micros(o.active_from)}});
  }
  json executions = json::array();
  for (const auto& e : s.book.executions) executions.push_back(execution_to_json(e));
  json j = {{"version", kStateFileVersion},
            {"data_path", s.data_path},
            {"symbol", s.symbol},
            {"starting_equity", s.starting_equity},
            {"orders", orders},
            {"position",
             {{"symbol", s.book.position.symbol},
              {"quantity", s.book.position.quantity},
              {"average_cost", s.book.position.average_cost}}},
            {"realised_pnl", s.book.realised_pnl},
            {"commission", s.book.commission},
            {"executions", executions},
            {"exec_seq", s.book.exec_seq},
            {"perm_seq", s.book.perm_seq},
            {"max_order_id", s.book.max_order_id}};
  if (s.evaluated_through) j["evaluated_through"] = micros(*s.evaluated_through);
  else j["evaluated_through"] = nullptr;
  return j;
}

PersistedState from_json(const json& j) {
  PersistedState s;
  s.data_path = j.at("data_path").get<std::string>();
  s.symbol = j.at("symbol").get<std::string>();
  s.starting_equity = j.at("starting_equity").get<double>();
  if (!j.at("evaluated_through").is_null())
    s.evaluated_through = from_micros(j.at("evaluated_through").get<std::int64_t>());
  for (const auto& o : j.at("orders")) {
    SimOrder so;
    so.report = report_from_json(o.at("report"));
    so.leg = static_cast<sdk::Leg>(o.at("leg").get<int>());
    so.flatten = o.at("flatten").get<bool>();
    so.parent_ref = o.at("parent_ref").get<std::string>();
    so.peer_ref = o.at("peer_ref").get<std::string>();
    so.held = o.at("held").get<bool>();
    so.active_from = from_micros(o.at("active_from").get<std::int64_t>());
    s.book.orders.push_back(std::move(so));
  }
  const json& p = j.at("position");
  s.book.position.symbol = p.at("symbol").get<std::string>();
  s.book.position.quantity = p.at("quantity").get<std::int64_t>();
  s.book.position.average_cost = p.at("average_cost").get<double>();
  s.book.realised_pnl = j.at("realised_pnl").get<double>();
  s.book.commission = j.at("commission").get<double>();
  for (const auto& e : j.at("executions")) s.book.executions.push_back(execution_from_json(e));
  s.book.exec_seq = j.at("exec_seq").get<std::int64_t>();
  s.book.perm_seq = j.at("perm_seq").get<std::int64_t>();
  s.book.max_order_id = j.at("max_order_id").get<std::int64_t>();
  return s;
}

sdk::Status errno_status(const std::string& what, const std::string& path) {
  return sdk::Status::io_error(path + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

sdk::Status save_state(const std::string& path, const PersistedState& state) {
  const std::string text = to_json(state).dump() + "\n";
  const std::string tmp = path + ".tmp";
  {
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0) return errno_status("cannot create", tmp);
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno_status("write failed", tmp);
      }
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) return errno_status("fsync failed", tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return errno_status("rename failed", path);
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() < 0 || ::fsync(dfd.get()) != 0) return errno_status("fsync of directory failed", dir);
  return sdk::Status::ok();
}

sdk::Result<std::optional<PersistedState>> load_state(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path)) return std::optional<PersistedState>{};
    return errno_status("cannot open", path);
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const json j = json::parse(buffer.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return sdk::Status::corruption(path + ": not a sim broker state file (invalid JSON)");
  if (!j.contains("version") || !j["version"].is_number_integer() ||
      j["version"].get<int>() != kStateFileVersion) {
    return sdk::Status::corruption(path + ": unsupported sim state version (expected " +
                                   std::to_string(kStateFileVersion) + ")");
  }
  // nlohmann reports missing keys and wrong types by exception; it never leaves this function.
  try {
    return std::optional<PersistedState>(from_json(j));
  } catch (const json::exception& e) {
    return sdk::Status::corruption(path + ": malformed sim state: " + e.what());
  }
}

}  // namespace slob::plugins::sim
