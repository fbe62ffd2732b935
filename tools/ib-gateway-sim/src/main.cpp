// ib-gateway-sim: a scriptable fake IB Gateway for tests (README.md).
#include <unistd.h>

#include <csignal>
#include <functional>
#include <cstdlib>
#include <iostream>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>

#include "gateway.hpp"
#include "slob/sdk/time.hpp"

namespace {

constexpr const char kUsage[] =
    "usage: ib-gateway-sim [--port N] [--control-port N] [--log FILE] [--port-file FILE]\n"
    "                      [--server-version N] [--accounts A,B] [--next-valid-id N] [--price P]\n"
    "                      [--bar-interval-ms N] [--start RFC3339] [--seed N] [--net-liquidation X]\n"
    "                      [--commission X] [--script CSV] [--cme-hours] [--exit-on-stdin-eof]\n"
    "                      [--bench-trials N --bench-out FILE [--bench-spacing-ms N]]\n";

bool parse_number(const std::string& text, long long& out) {
  try {
    std::size_t used = 0;
    out = std::stoll(text, &used);
    return used == text.size();
  } catch (const std::exception&) {
    return false;
  }
}

bool parse_real(const std::string& text, double& out) {
  try {
    std::size_t used = 0;
    out = std::stod(text, &used);
    return used == text.size();
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

int main(int argc, char** argv) {
  using slob::tools::ib_gateway_sim::Gateway;
  using slob::tools::ib_gateway_sim::GatewayOptions;
  GatewayOptions o;
  bool exit_on_eof = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--cme-hours") {
      o.cme_hours = true;
      continue;
    }
    if (arg == "--exit-on-stdin-eof") {
      exit_on_eof = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (i + 1 >= argc) {
      std::cerr << "ib-gateway-sim: " << arg << " needs a value\n" << kUsage;
      return 2;
    }
    const std::string v = argv[++i];
    long long n = 0;
    double d = 0;
    bool ok = true;
    if (arg == "--port") ok = parse_number(v, n) && n >= 0 && n < 65536, o.port = static_cast<std::uint16_t>(n);
    else if (arg == "--control-port") ok = parse_number(v, n) && n >= 0 && n < 65536, o.control_port = static_cast<std::uint16_t>(n);
    else if (arg == "--log") o.log_path = v;
    else if (arg == "--port-file") o.port_file = v;
    else if (arg == "--server-version") ok = parse_number(v, n) && n > 0, o.server_version = static_cast<int>(n);
    else if (arg == "--accounts") o.accounts = v;
    else if (arg == "--next-valid-id") ok = parse_number(v, n) && n > 0, o.next_valid_id = n;
    else if (arg == "--price") ok = parse_real(v, d) && d > 0, o.price = d;
    else if (arg == "--bar-interval-ms") ok = parse_number(v, n) && n > 0, o.bar_interval = std::chrono::milliseconds(n);
    else if (arg == "--seed") ok = parse_number(v, n) && n >= 0, o.seed = static_cast<std::uint64_t>(n);
    else if (arg == "--net-liquidation") ok = parse_real(v, d), o.net_liquidation = d;
    else if (arg == "--commission") ok = parse_real(v, d) && d >= 0, o.commission = d;
    else if (arg == "--script") o.script_path = v;
    else if (arg == "--bench-trials") ok = parse_number(v, n) && n > 0, o.bench_trials = static_cast<int>(n);
    else if (arg == "--bench-out") o.bench_out = v;
    else if (arg == "--bench-spacing-ms") ok = parse_number(v, n) && n > 0, o.bench_spacing = std::chrono::milliseconds(n);
    else if (arg == "--start") {
      const auto t = slob::sdk::parse_rfc3339(v);
      ok = t.has_value();
      if (ok) o.start_time = std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count();
    } else {
      std::cerr << "ib-gateway-sim: unknown option " << arg << "\n" << kUsage;
      return 2;
    }
    if (!ok) {
      std::cerr << "ib-gateway-sim: bad value for " << arg << ": \"" << v << "\"\n";
      return 2;
    }
  }

  if (o.bench_trials > 0 && o.bench_out.empty()) {
    std::cerr << "ib-gateway-sim: --bench-trials needs --bench-out FILE\n" << kUsage;
    return 2;
  }
  boost::asio::io_context io;
  Gateway gateway(io, o);
  if (auto st = gateway.start(); !st) {
    std::cerr << "ib-gateway-sim: " << st.message() << "\n";
    return 1;
  }
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
  // A test harness keeps our stdin open; when it dies the pipe closes and we go too, so a crashed
  // test never leaves a simulator behind.
  boost::asio::posix::stream_descriptor in(io, ::dup(0));
  char byte;
  std::function<void()> watch = [&] {
    in.async_read_some(boost::asio::buffer(&byte, 1), [&](const boost::system::error_code& ec, std::size_t) {
      if (ec) io.stop();
      else watch();
    });
  };
  if (exit_on_eof) watch();
  io.run();
  return 0;
}
