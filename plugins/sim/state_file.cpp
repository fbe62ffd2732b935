#include "state_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "slob/sdk/unique_fd.hpp"

namespace slob::plugins::sim {
namespace {

using nlohmann::json;

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

json order_to_json(const SimOrder& o) {
  return {{"report", report_to_json(o.report)}, {"leg", static_cast<int>(o.leg)},
          {"flatten", o.flatten}, {"parent_ref", o.parent_ref}, {"peer_ref", o.peer_ref},
          {"held", o.held}, {"active_from", micros(o.active_from)}};
}

SimOrder order_from_json(const json& o) {
  SimOrder so;
  so.report = report_from_json(o.at("report"));
  so.leg = static_cast<sdk::Leg>(o.at("leg").get<int>());
  so.flatten = o.at("flatten").get<bool>();
  so.parent_ref = o.at("parent_ref").get<std::string>();
  so.peer_ref = o.at("peer_ref").get<std::string>();
  so.held = o.at("held").get<bool>();
  so.active_from = from_micros(o.at("active_from").get<std::int64_t>());
  return so;
}

// The fields a snapshot and a journal line both carry in full.
void put_counters(json& j, const BookState& book, std::optional<sdk::Time> evaluated_through) {
  j["position"] = {{"symbol", book.position.symbol},
                   {"quantity", book.position.quantity},
                   {"average_cost", book.position.average_cost}};
  j["realised_pnl"] = book.realised_pnl;
  j["commission"] = book.commission;
  j["exec_seq"] = book.exec_seq;
  j["perm_seq"] = book.perm_seq;
  j["max_order_id"] = book.max_order_id;
  if (evaluated_through) j["evaluated_through"] = micros(*evaluated_through);
  else j["evaluated_through"] = nullptr;
}

void get_counters(const json& j, PersistedState& s) {
  const json& p = j.at("position");
  s.book.position.symbol = p.at("symbol").get<std::string>();
  s.book.position.quantity = p.at("quantity").get<std::int64_t>();
  s.book.position.average_cost = p.at("average_cost").get<double>();
  s.book.realised_pnl = j.at("realised_pnl").get<double>();
  s.book.commission = j.at("commission").get<double>();
  s.book.exec_seq = j.at("exec_seq").get<std::int64_t>();
  s.book.perm_seq = j.at("perm_seq").get<std::int64_t>();
  s.book.max_order_id = j.at("max_order_id").get<std::int64_t>();
  s.evaluated_through.reset();
  if (!j.at("evaluated_through").is_null())
    s.evaluated_through = from_micros(j.at("evaluated_through").get<std::int64_t>());
}

json snapshot_json(const StateOwner& owner, const BookState& book,
                   std::optional<sdk::Time> evaluated_through, std::uint64_t seq) {
  json orders = json::array();
  for (const auto& o : book.orders) orders.push_back(order_to_json(o));
  json executions = json::array();
  for (const auto& e : book.executions) executions.push_back(execution_to_json(e));
  json j = {{"version", kStateFileVersion},
            {"data_path", owner.data_path},
            {"symbol", owner.symbol},
            {"starting_equity", owner.starting_equity},
            {"journal_seq", seq},
            {"orders", std::move(orders)},
            {"executions", std::move(executions)}};
  put_counters(j, book, evaluated_through);
  return j;
}

PersistedState from_json(const json& j) {
  PersistedState s;
  s.data_path = j.at("data_path").get<std::string>();
  s.symbol = j.at("symbol").get<std::string>();
  s.starting_equity = j.at("starting_equity").get<double>();
  for (const auto& o : j.at("orders")) s.book.orders.push_back(order_from_json(o));
  for (const auto& e : j.at("executions")) s.book.executions.push_back(execution_from_json(e));
  get_counters(j, s);
  return s;
}

// One journal line over the state it follows. Its tails replace the state's from their index on.
void apply_line(const json& j, PersistedState& s) {
  const auto orders_from = j.at("orders_from").get<std::size_t>();
  const auto executions_from = j.at("executions_from").get<std::size_t>();
  if (orders_from > s.book.orders.size() || executions_from > s.book.executions.size())
    throw json::other_error::create(501, "a journal line starts past the book it follows", &j);
  s.book.orders.resize(orders_from);
  for (const auto& o : j.at("orders")) s.book.orders.push_back(order_from_json(o));
  s.book.executions.resize(executions_from);
  for (const auto& e : j.at("executions")) s.book.executions.push_back(execution_from_json(e));
  get_counters(j, s);
}

std::size_t leading_final(const BookState& book) {
  std::size_t n = 0;
  while (n < book.orders.size() && sdk::order_state_is_final(book.orders[n].report.state)) ++n;
  return n;
}

sdk::Status errno_status(const std::string& what, const std::string& path) {
  return sdk::Status::io_error(path + ": " + what + ": " + std::strerror(errno));
}

sdk::Status fsync_dir_of(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  sdk::UniqueFd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() < 0 || ::fsync(dfd.get()) != 0) return errno_status("fsync of directory failed", dir);
  return sdk::Status::ok();
}

sdk::Status write_all(int fd, const std::string& text, const std::string& path) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_status("write failed", path);
    }
    done += static_cast<std::size_t>(n);
  }
  return sdk::Status::ok();
}

// Below this the journal is never compacted: rewriting a small book buys nothing.
constexpr std::uint64_t kMinJournalBytes = 64 * 1024;

}  // namespace

StateFile::StateFile(std::string path, StateOwner owner, SyncMode sync)
    : path_(std::move(path)),
      journal_path_(path_ + ".journal"),
      owner_(std::move(owner)),
      sync_(sync) {}

StateFile::~StateFile() {
  if (journal_fd_ >= 0) ::close(journal_fd_);
}

sdk::Status StateFile::sync_file(int fd, const std::string& path) const {
  if (sync_ == SyncMode::kNone) return sdk::Status::ok();
  if (::fsync(fd) != 0) return errno_status("fsync failed", path);
  return sdk::Status::ok();
}

sdk::Status StateFile::sync_dir_of(const std::string& path) const {
  if (sync_ == SyncMode::kNone) return sdk::Status::ok();
  return fsync_dir_of(path);
}

sdk::Status StateFile::open_journal() {
  if (journal_fd_ >= 0) return sdk::Status::ok();
  journal_fd_ = ::open(journal_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (journal_fd_ < 0) return errno_status("cannot open", journal_path_);
  return sync_dir_of(journal_path_);  // the file itself must survive, not only its lines
}

sdk::Status StateFile::discard() {
  for (const std::string& p : {journal_path_, path_}) {
    std::error_code ec;
    std::filesystem::remove(p, ec);
    if (ec) return sdk::Status::io_error(p + ": cannot delete: " + ec.message());
  }
  return sdk::Status::ok();
}

sdk::Result<std::optional<PersistedState>> StateFile::load() {
  std::ifstream in(path_, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path_)) {
      // A journal belongs to the snapshot it follows; without one it is stale (the snapshot was
      // deleted to start fresh) and must not be applied to the next one.
      std::error_code ec;
      std::filesystem::remove(journal_path_, ec);
      return std::optional<PersistedState>{};
    }
    return errno_status("cannot open", path_);
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return sdk::Status::corruption(path_ + ": not a sim broker state file (invalid JSON)");
  if (!j.contains("version") || !j["version"].is_number_integer() ||
      j["version"].get<int>() != kStateFileVersion) {
    return sdk::Status::corruption(path_ + ": unsupported sim state version (expected " +
                                   std::to_string(kStateFileVersion) + ")");
  }
  // nlohmann reports missing keys and wrong types by exception; it never leaves this function.
  PersistedState s;
  try {
    s = from_json(j);
    seq_ = j.value("journal_seq", std::uint64_t{0});
  } catch (const json::exception& e) {
    return sdk::Status::corruption(path_ + ": malformed sim state: " + e.what());
  }
  snapshot_bytes_ = text.size();

  std::ifstream jin(journal_path_, std::ios::binary);
  std::string lines;
  if (jin) {
    std::stringstream jbuf;
    jbuf << jin.rdbuf();
    lines = jbuf.str();
  }
  std::size_t pos = 0;
  for (int number = 1;; ++number) {
    const std::size_t nl = lines.find('\n', pos);
    if (nl == std::string::npos) break;  // the rest (if any) is a save that never completed
    const json line = json::parse(lines.substr(pos, nl - pos), nullptr, false);
    const std::string where = journal_path_ + ":" + std::to_string(number);
    if (line.is_discarded() || !line.is_object())
      return sdk::Status::corruption(where + ": not a journal line (invalid JSON)");
    try {
      const auto seq = line.at("seq").get<std::uint64_t>();
      if (seq > seq_) {
        if (seq != seq_ + 1)
          return sdk::Status::corruption(where + ": line " + std::to_string(seq) + " follows " +
                                         std::to_string(seq_));
        apply_line(line, s);
        seq_ = seq;
      }
    } catch (const json::exception& e) {
      return sdk::Status::corruption(where + ": malformed journal line: " + e.what());
    }
    pos = nl + 1;
  }
  journal_bytes_ = pos;
  if (pos != lines.size()) {
    if (auto st = open_journal(); !st) return st;
    if (::ftruncate(journal_fd_, static_cast<off_t>(pos)) != 0)
      return errno_status("cannot drop the unfinished last line of", journal_path_);
  }
  orders_from_ = leading_final(s.book);
  executions_saved_ = s.book.executions.size();
  return std::optional<PersistedState>(std::move(s));
}

sdk::Status StateFile::append(const std::string& line) {
  if (auto st = open_journal(); !st) return st;
  // The file's own size, not a count of ours: a broker instance being replaced by a reload may
  // have emptied the journal (compact() at its stop) since this one loaded it.
  struct stat info {};
  if (::fstat(journal_fd_, &info) != 0) return errno_status("cannot stat", journal_path_);
  journal_bytes_ = static_cast<std::uint64_t>(info.st_size);
  if (auto st = write_all(journal_fd_, line, journal_path_); !st) {
    // A part of the line would join the next one: cut it off.
    if (::ftruncate(journal_fd_, info.st_size) == 0) return st;
    return sdk::Status::io_error(st.message() + "; the partial line could not be cut off");
  }
  if (auto st = sync_file(journal_fd_, journal_path_); !st) return st;
  journal_bytes_ += line.size();
  return sdk::Status::ok();
}

sdk::Status StateFile::save(const BookState& book, std::optional<sdk::Time> evaluated_through,
                            std::size_t settled) {
  if (snapshot_bytes_ == 0 || journal_bytes_ > std::max(snapshot_bytes_, kMinJournalBytes)) {
    if (auto st = write_snapshot(book, evaluated_through, seq_ + 1); !st) return st;
  } else {
    json orders = json::array();
    for (std::size_t i = orders_from_; i < book.orders.size(); ++i)
      orders.push_back(order_to_json(book.orders[i]));
    json executions = json::array();
    for (std::size_t i = executions_saved_; i < book.executions.size(); ++i)
      executions.push_back(execution_to_json(book.executions[i]));
    json j = {{"seq", seq_ + 1},
              {"orders_from", orders_from_},
              {"orders", std::move(orders)},
              {"executions_from", executions_saved_},
              {"executions", std::move(executions)}};
    put_counters(j, book, evaluated_through);
    if (auto st = append(j.dump() + "\n"); !st) return st;
  }
  ++seq_;
  orders_from_ = settled;
  executions_saved_ = book.executions.size();
  return sdk::Status::ok();
}

sdk::Status StateFile::compact(const BookState& book, std::optional<sdk::Time> evaluated_through) {
  // The book is the one of the last save: the snapshot takes over its lines, under its number.
  if (snapshot_bytes_ != 0 && journal_bytes_ == 0) return sdk::Status::ok();
  return write_snapshot(book, evaluated_through, seq_);
}

sdk::Status StateFile::write_snapshot(const BookState& book,
                                      std::optional<sdk::Time> evaluated_through,
                                      std::uint64_t seq) {
  const std::string text = snapshot_json(owner_, book, evaluated_through, seq).dump() + "\n";
  const std::string tmp = path_ + ".tmp";
  {
    sdk::UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0) return errno_status("cannot create", tmp);
    if (auto st = write_all(fd.get(), text, tmp); !st) return st;
    if (auto st = sync_file(fd.get(), tmp); !st) return st;
  }
  if (::rename(tmp.c_str(), path_.c_str()) != 0) return errno_status("rename failed", path_);
  if (auto st = sync_dir_of(path_); !st) return st;
  snapshot_bytes_ = text.size();
  // The snapshot holds every line: they are skipped by number even if this truncation is lost.
  if (journal_fd_ >= 0 || std::filesystem::exists(journal_path_)) {
    if (auto st = open_journal(); !st) return st;
    if (::ftruncate(journal_fd_, 0) != 0) return errno_status("cannot empty", journal_path_);
  }
  journal_bytes_ = 0;
  return sdk::Status::ok();
}

}  // namespace slob::plugins::sim
