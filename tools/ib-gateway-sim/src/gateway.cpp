#include "gateway.hpp"

#include <iostream>
#include <sstream>

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <date/date.h>

#include "outgoing.hpp"
#include "server_messages.hpp"

namespace slob::tools::ib_gateway_sim {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// One control client: newline-terminated commands, one reply line each.
class ControlConnection : public std::enable_shared_from_this<ControlConnection> {
 public:
  ControlConnection(Gateway& gateway, tcp::socket socket) : gateway_(gateway), socket_(std::move(socket)) {}
  void start() { read(); }

 private:
  void read() {
    asio::async_read_until(socket_, in_, '\n', [self = shared_from_this()](const boost::system::error_code& ec,
                                                                           std::size_t) {
      if (ec) return;
      std::istream is(&self->in_);
      std::string line;
      std::getline(is, line);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      self->reply_ = self->gateway_.control(line) + "\n";
      asio::async_write(self->socket_, asio::buffer(self->reply_),
                        [self](const boost::system::error_code& wec, std::size_t) {
                          if (!wec) self->read();
                        });
    });
  }

  Gateway& gateway_;
  tcp::socket socket_;
  asio::streambuf in_;
  std::string reply_;
};

std::string yyyymmdd(date::sys_days d) {
  const date::year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

LatencyProbe::Options probe_options(const GatewayOptions& o) {
  LatencyProbe::Options p;
  p.trials = o.bench_trials;
  p.out_path = o.bench_out;
  p.spacing = o.bench_spacing;
  return p;
}

}  // namespace

Gateway::Gateway(asio::io_context& io, GatewayOptions options)
    : io_(io),
      options_(std::move(options)),
      acceptor_(io),
      control_acceptor_(io),
      tick_timer_(io),
      refuse_timer_(io),
      feed_(options_.price, options_.start_time.value_or(real_now()), options_.seed),
      book_([this](std::int64_t client_id, const std::string& p) { notify(client_id, p); }, options_.commission),
      next_valid_id_(options_.next_valid_id),
      probe_(io, probe_options(options_), [this] { emit_bar(); }, [this] { return feed_.now(); },
             [this](std::int64_t order_id) { book_.cancel(order_id, feed_.now()); }) {
  book_.set_position_listener([this](const SimPosition& p) { push_position(p); });
}

void Gateway::push_position(const SimPosition& p) {
  for (auto& [id, s] : sessions_)
    if (s->api_started() && s->positions_subscribed) s->send(msg_position(p));
}

std::int64_t Gateway::real_now() const {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

sdk::Status Gateway::open_api_acceptor() {
  boost::system::error_code ec;
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), api_port_ ? api_port_ : options_.port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return sdk::Status::io_error("api listener on 127.0.0.1:" + std::to_string(ep.port()) + ": " + ec.message());
  }
  api_port_ = acceptor_.local_endpoint().port();
  accept();
  return sdk::Status::ok();
}

sdk::Status Gateway::start() {
  if (!options_.script_path.empty()) {
    if (auto st = feed_.load_script(options_.script_path); !st) return st;
  }
  if (!options_.log_path.empty()) {
    log_.open(options_.log_path, std::ios::out | std::ios::app);
    if (!log_) return sdk::Status::io_error(options_.log_path + ": cannot open the log for writing");
  }
  if (auto st = open_api_acceptor(); !st) return st;
  boost::system::error_code ec;
  const tcp::endpoint cep(asio::ip::make_address("127.0.0.1"), options_.control_port);
  control_acceptor_.open(cep.protocol(), ec);
  if (!ec) control_acceptor_.bind(cep, ec);
  if (!ec) control_acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return sdk::Status::io_error("control listener: " + ec.message());
  control_port_ = control_acceptor_.local_endpoint().port();
  accept_control();
  if (!options_.port_file.empty()) {
    // Write-then-rename so a reader never sees half a file.
    const std::string tmp = options_.port_file + ".tmp";
    {
      std::ofstream pf(tmp, std::ios::trunc);
      pf << "api=" << api_port_ << "\ncontrol=" << control_port_ << "\n";
      if (!pf) return sdk::Status::io_error(options_.port_file + ": cannot write");
    }
    if (std::rename(tmp.c_str(), options_.port_file.c_str()) != 0)
      return sdk::Status::io_error(options_.port_file + ": cannot rename into place");
  }
  std::cout << "ib-gateway-sim listening api=" << api_port_ << " control=" << control_port_ << std::endl;
  if (!probe_.active()) schedule_tick();
  return sdk::Status::ok();
}

void Gateway::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec) return;  // closed by `refuse` or at exit
    const int id = next_session_id_++;
    auto s = std::make_shared<Session>(*this, std::move(socket), id);
    sessions_[id] = s;
    log_note("connect session=" + std::to_string(id));
    s->start();
    accept();
  });
}

void Gateway::accept_control() {
  control_acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec) return;
    std::make_shared<ControlConnection>(*this, std::move(socket))->start();
    accept_control();
  });
}

void Gateway::on_session_closed(int id) {
  if (sessions_.erase(id)) log_note("disconnect session=" + std::to_string(id));
}

void Gateway::log_note(const std::string& text) {
  if (log_) log_ << "# " << text << std::endl;
}

void Gateway::log_fields(const std::vector<std::string_view>& fields) {
  if (!log_) return;
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) line.push_back('|');
    for (char c : fields[i]) {
      if (c == '\n') line += "\\n";
      else if (c == '|') line += "\\|";
      else line.push_back(c);
    }
  }
  log_ << line << std::endl;
}

void Gateway::notify(std::int64_t client_id, const std::string& payload) {
  for (auto& [id, s] : sessions_)
    if (s->api_started() && s->client_id() == client_id) s->send(payload);
}

void Gateway::broadcast(const std::string& payload) {
  for (auto& [id, s] : sessions_)
    if (s->api_started()) s->send(payload);
}

void Gateway::drop_all() {
  auto copy = sessions_;
  for (auto& [id, s] : copy) s->close();
}

void Gateway::schedule_tick() {
  tick_timer_.expires_after(options_.bar_interval);
  tick_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    tick();
    schedule_tick();
  });
}

void Gateway::tick() {
  if (!bars_on_ || silent_) return;
  if (feed_.take_pause()) {
    bars_on_ = false;
    log_note("script pause at market time " + std::to_string(feed_.now()) + " (bars off until `bars on`)");
    return;
  }
  emit_bar();
}

void Gateway::emit_bar() {
  const SimBar bar = feed_.next_bar();
  book_.on_bar(bar, bar.time + 5);
  for (auto& [id, s] : sessions_) {
    for (std::int64_t req : s->realtime_bars) s->send(msg_realtime_bar(req, bar));
    if (!s->keep_up_to_date.empty()) {
      const auto minute = feed_.minute_bars(bar.time - bar.time % 60, bar.time + 1);
      for (std::int64_t req : s->keep_up_to_date)
        if (!minute.empty()) s->send(msg_historical_update(req, minute.back()));
    }
    for (std::int64_t req : s->market_data) s->send(msg_tick_price(req, 4, bar.close, 1));
  }
}

void Gateway::on_version(Session& s, const std::string& payload) {
  log_fields({"API", payload});
  // "v100..176" optionally followed by " +PACEAPI".
  int lo = 0, hi = 0;
  if (std::sscanf(payload.c_str(), "v%d..%d", &lo, &hi) != 2 || hi < 100) {
    log_note("session " + std::to_string(s.id()) + " bad version string, closing");
    s.close();
    return;
  }
  const int version = std::min(hi, options_.server_version);
  s.send(msg_server_hello(version, format_tws_time(real_now())));
}

void Gateway::on_message(Session& s, const std::string& payload) {
  auto fields = plugins::ib::split_fields(payload);
  if (!fields || fields->empty()) {
    log_note("session " + std::to_string(s.id()) + " malformed message, closing");
    s.close();
    return;
  }
  log_fields(*fields);
  if (silent_) return;  // a stalled gateway reads but never answers
  if (holding_orders_ && (*fields)[0] == std::to_string(plugins::ib::kPlaceOrder)) {
    held_orders_.emplace_back(s.id(), payload);
    return;
  }
  dispatch(s, *fields);
}

FrontMonth Gateway::front_month() const {
  using namespace std::chrono;
  const date::sys_days today = floor<days>(sys_seconds{seconds(feed_.now())});
  const date::year_month_day ymd{today};
  int y = static_cast<int>(ymd.year());
  unsigned m = static_cast<unsigned>(ymd.month());
  m = ((m + 2) / 3) * 3;  // this quarter's expiry month
  date::sys_days expiry;
  for (int guard = 0; guard < 8; ++guard) {
    expiry = date::sys_days{date::year{y} / date::month{m} / date::Friday[3]};
    if (expiry - days(8) > today) break;  // roll a week before expiry, as the volume does
    m += 3;
    if (m > 12) m -= 12, ++y;
  }
  for (std::int64_t i = 0; i < front_month_offset_; ++i) {
    m += 3;
    if (m > 12) m -= 12, ++y;
    expiry = date::sys_days{date::year{y} / date::month{m} / date::Friday[3]};
  }
  static const char kCodes[] = "FGHJKMNQUVXZ";
  FrontMonth fm;
  Contract& c = fm.contract;
  c.symbol = "NQ";
  c.sec_type = "FUT";
  c.last_trade_date = yyyymmdd(expiry);
  c.multiplier = "20";
  c.exchange = "CME";
  c.currency = "USD";
  c.local_symbol = std::string("NQ") + kCodes[m - 1] + std::to_string(y % 10);
  c.trading_class = "NQ";
  c.con_id = 600000000 + y * 100 + static_cast<int>(m);
  std::string hours;
  for (int d = -1; d < 7; ++d) {
    const date::sys_days day = today + days(d);
    const date::weekday wd{day};
    if (!hours.empty()) hours.push_back(';');
    if (!options_.cme_hours) {
      hours += yyyymmdd(day) + ":0000-" + yyyymmdd(day + days(1)) + ":0000";
    } else if (wd == date::Saturday || wd == date::Friday) {
      hours += yyyymmdd(day) + ":CLOSED";
    } else {
      hours += yyyymmdd(day) + ":1700-" + yyyymmdd(day + days(1)) + ":1600";
    }
  }
  fm.time_zone_id = options_.cme_hours ? "US/Central" : "UTC";
  fm.trading_hours = hours;
  fm.liquid_hours = hours;
  return fm;
}

std::string Gateway::control(const std::string& line) {
  std::istringstream in(line);
  std::string cmd;
  in >> cmd;
  log_note("control " + line);
  if (cmd == "drop") {
    drop_all();
    return "ok";
  }
  if (cmd == "refuse") {
    double secs = 0;
    if (!(in >> secs) || secs <= 0) return "error usage: refuse <seconds>";
    drop_all();
    boost::system::error_code ec;
    acceptor_.close(ec);
    refusing_ = true;
    refuse_timer_.expires_after(std::chrono::milliseconds(static_cast<std::int64_t>(secs * 1000)));
    refuse_timer_.async_wait([this](const boost::system::error_code& wec) {
      if (wec) return;
      refusing_ = false;
      if (auto st = open_api_acceptor(); !st) log_note("reopen failed: " + st.message());
      else log_note("api listener reopened");
    });
    return "ok";
  }
  if (cmd == "silent") {
    std::string arg;
    in >> arg;
    if (arg != "on" && arg != "off") return "error usage: silent on|off";
    silent_ = arg == "on";
    return "ok";
  }
  if (cmd == "orders") {
    std::string arg;
    in >> arg;
    if (arg == "hold") {
      holding_orders_ = true;
      return "ok";
    }
    if (arg != "release") return "error usage: orders hold|release";
    holding_orders_ = false;
    auto held = std::move(held_orders_);
    held_orders_.clear();
    for (const auto& [session, payload] : held) {
      auto it = sessions_.find(session);
      if (it == sessions_.end()) continue;  // its connection is gone: as if never received
      if (auto fields = plugins::ib::split_fields(payload)) dispatch(*it->second, *fields);
    }
    return "ok released=" + std::to_string(held.size());
  }
  if (cmd == "bars") {
    std::string arg;
    in >> arg;
    if (arg != "on" && arg != "off") return "error usage: bars on|off";
    bars_on_ = arg == "on";
    return "ok";
  }
  if (cmd == "error") {
    int code = 0;
    std::int64_t id = -1;
    if (!(in >> code)) return "error usage: error <code> [id] [text]";
    in >> id;
    std::string text;
    std::getline(in, text);
    if (!text.empty() && text.front() == ' ') text.erase(0, 1);
    if (text.empty()) text = "simulated error " + std::to_string(code);
    broadcast(msg_error(id, code, text));
    return "ok";
  }
  if (cmd == "clientid-in-use") {
    std::int64_t id = 0;
    if (!(in >> id)) return "error usage: clientid-in-use <clientId> [off]";
    std::string off;
    in >> off;
    if (off == "off") in_use_client_ids_.erase(id);
    else in_use_client_ids_.insert(id);
    return "ok";
  }
  if (cmd == "restart") {
    std::int64_t id = options_.next_valid_id;
    in >> id;
    drop_all();
    book_.forget_untransmitted();
    next_valid_id_ = id;
    return "ok next_valid_id=" + std::to_string(next_valid_id_);
  }
  if (cmd == "add-position") {
    std::string symbol;
    double qty = 0, price = 0;
    if (!(in >> symbol >> qty >> price)) return "error usage: add-position <symbol> <qty> <avg_price>";
    SimPosition p;
    p.account = options_.accounts.substr(0, options_.accounts.find(','));
    p.contract = front_month().contract;
    p.contract.symbol = symbol;
    p.quantity = qty;
    p.avg_cost = price * 20;
    book_.add_external_position(p);
    return "ok";
  }
  if (cmd == "close-position") {
    std::string symbol;
    if (!(in >> symbol)) return "error usage: close-position <symbol>";
    return book_.close_external(symbol, feed_.last(), feed_.now()) ? "ok" : "error no position in " + symbol;
  }
  if (cmd == "manual-order") {
    std::string action, symbol = "NQ";
    double qty = 0;
    if (!(in >> action >> qty) || (action != "BUY" && action != "SELL") || qty <= 0)
      return "error usage: manual-order BUY|SELL <qty> [symbol]";
    in >> symbol;
    Contract c = front_month().contract;
    c.symbol = symbol;
    book_.manual_order(c, options_.accounts.substr(0, options_.accounts.find(',')), action, qty, feed_.last(),
                       feed_.now());
    return "ok";
  }
  if (cmd == "cancel-order") {
    std::string ref;
    if (!(in >> ref)) return "error usage: cancel-order <orderRef>";
    return book_.manual_cancel(ref, feed_.now()) ? "ok" : "error no working order " + ref;
  }
  if (cmd == "modify-order") {
    std::string ref;
    double price = 0;
    if (!(in >> ref >> price) || price <= 0) return "error usage: modify-order <orderRef> <price>";
    return book_.manual_modify(ref, price) ? "ok" : "error no working LMT/STP order " + ref;
  }
  if (cmd == "hold-executions") {
    std::string arg;
    in >> arg;
    if (arg != "on" && arg != "off") return "error usage: hold-executions on|off";
    book_.hold_executions(arg == "on", feed_.now());
    return "ok";
  }
  if (cmd == "price") {
    double p = 0;
    if (!(in >> p) || p <= 0) return "error usage: price <p>";
    feed_.set_target(p);
    return "ok";
  }
  if (cmd == "roll") {
    ++front_month_offset_;
    return "ok " + front_month().contract.local_symbol;
  }
  if (cmd == "status") {
    int api = 0;
    for (auto& [id, s] : sessions_) api += s->api_started() ? 1 : 0;
    std::size_t working = 0;
    for (const auto& [id, o] : book_.orders())
      working += (o.status == SimOrderStatus::kSubmitted || o.status == SimOrderStatus::kPreSubmitted) ? 1 : 0;
    return "ok sessions=" + std::to_string(api) + " orders=" + std::to_string(book_.orders().size()) +
           " working=" + std::to_string(working) + " positions=" + std::to_string(book_.positions().size()) +
           " executions=" + std::to_string(book_.executions().size()) + " next_valid_id=" +
           std::to_string(next_valid_id_) + " price=" + plugins::ib::format_double(feed_.last()) +
           " market_time=" + std::to_string(feed_.now());
  }
  return "error unknown command \"" + cmd + "\"";
}

}  // namespace slob::tools::ib_gateway_sim
