// slob-ctl: talks to a running slob-host over its control socket (JSON lines).
//
//   slob-ctl [--socket PATH | --config FILE] COMMAND [NAME] [--reason TEXT] [--json]
//
// Exit codes: 0 the daemon answered ok, 1 it answered an error or could not be reached,
// 2 usage (a socket path too long to be one included), 78 a bad --config file.

#include <cstdlib>
#include <iostream>
#include <optional>
#include <set>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>

#include "runtime/config.hpp"
#include "control/ctl_format.hpp"
#include "runtime/exit_codes.hpp"
#include "runtime/host_paths.hpp"

namespace {

constexpr const char* kUsage =
    "usage: slob-ctl [--socket PATH | --config FILE] COMMAND [NAME] [--reason TEXT] [--json]\n"
    "commands: status positions orders setups trades metrics dashboard observers halt\n"
    "          resume clear-safe-mode alert-test [OBSERVER] reload shutdown\n"
    "default socket: $SLOB_SOCKET, else /run/slob/slob.sock\n";

int usage(const std::string& problem) {
  std::cerr << "slob-ctl: " << problem << "\n" << kUsage;
  return slob::core::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace slob::core;
  std::optional<std::string> socket_path;
  std::optional<std::string> config_path;
  std::optional<std::string> reason;
  std::string command;
  bool json = false;
  static const std::set<std::string> kCommands = {
      "status", "positions", "orders", "setups",          "trades",     "metrics", "dashboard",
      "observers", "halt",   "resume", "clear-safe-mode", "alert-test", "reload",  "shutdown"};
  std::optional<std::string> observer;  // alert-test's one argument
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--socket" && i + 1 < argc) socket_path = argv[++i];
    else if (arg == "--config" && i + 1 < argc) config_path = argv[++i];
    else if (arg == "--reason" && i + 1 < argc) reason = argv[++i];
    else if (arg == "--json") json = true;
    else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return kExitOk;
    } else if (command.empty() && kCommands.count(arg)) command = arg;
    else if (command == "alert-test" && !observer && arg.rfind("--", 0) != 0) observer = arg;
    else return usage("unexpected argument " + arg);
  }
  if (command.empty()) return usage("no command");
  if (!socket_path && config_path) {
    auto config = load_config(*config_path, SLOB_DEFAULT_PLUGIN_DIR);
    if (!config) {
      std::cerr << config.status().message() << "\n";
      return kExitConfig;
    }
    socket_path = config->host.control_socket.string();
  }
  if (!socket_path) {
    const char* env = std::getenv("SLOB_SOCKET");
    socket_path = env ? env : "/run/slob/slob.sock";
  }
  if (auto problem = socket_address_problem(*socket_path)) {
    std::cerr << "slob-ctl: " << *socket_path << ": " << *problem << "\n";
    return kExitUsage;
  }

  nlohmann::json request = {{"command", command}};
  if (reason) request["reason"] = *reason;
  if (observer) request["observer"] = *observer;

  boost::asio::io_context io;
  boost::asio::local::stream_protocol::socket socket(io);
  boost::system::error_code ec;
  socket.connect(boost::asio::local::stream_protocol::endpoint(*socket_path), ec);
  if (ec) {
    std::cerr << "slob-ctl: cannot reach slob-host at " << *socket_path << ": " << ec.message()
              << "\n";
    return kExitRuntimeFailure;
  }
  boost::asio::write(socket, boost::asio::buffer(request.dump() + "\n"), ec);
  boost::asio::streambuf buffer;
  if (!ec) boost::asio::read_until(socket, buffer, '\n', ec);
  if (ec) {
    std::cerr << "slob-ctl: " << *socket_path << ": no answer: " << ec.message() << "\n";
    return kExitRuntimeFailure;
  }
  std::istream in(&buffer);
  std::string line;
  std::getline(in, line);
  const nlohmann::json answer = nlohmann::json::parse(line, nullptr, false);
  if (answer.is_discarded() || !answer.is_object()) {
    std::cerr << "slob-ctl: " << *socket_path << ": answer is not JSON: " << line << "\n";
    return kExitRuntimeFailure;
  }
  const bool ok = answer.value("ok", false);
  if (json) {
    std::cout << (ok ? answer["result"] : answer).dump() << "\n";
  } else if (ok) {
    std::cout << format_answer(command, answer["result"]);
  } else {
    std::cerr << "slob-ctl: " << command << ": " << answer.value("error", "failed") << "\n";
  }
  return ok ? kExitOk : kExitRuntimeFailure;
}
