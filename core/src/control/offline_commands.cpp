#include "control/offline_commands.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include <boost/asio/io_context.hpp>

#include "dashboard/dashboard_page.hpp"
#include "observe/dashboard_data.hpp"
#include "runtime/asio_clock.hpp"
#include "runtime/exit_codes.hpp"
#include "plugins/plugin_loader.hpp"
#include "control/record_json.hpp"
#include "runtime/simulated_clock.hpp"
#include "trading/strategy_scan.hpp"

namespace slob::core {
namespace {

// Plugins created outside the daemon still get real services; nothing runs the loop.
struct OfflineHost {
  // `check_only`: --check; `read_only`: export. Either way plugins write nothing.
  OfflineHost(const HostConfig& config, bool check_only, bool read_only)
      : wall(io),
        loop{io, simulated, wall, &simulated, config.directory.string(),
             config.host.state_dir.string(), check_only, host_settings(config), read_only},
        loader(config.host.plugin_dirs, /*check_files=*/true) {}

  boost::asio::io_context io;
  SimulatedClock simulated;
  AsioClock wall;
  HostLoop loop;
  PluginLoader loader;
};

void print_errors(const std::string& lines) { std::cerr << lines << "\n"; }

}  // namespace

int run_check(const HostConfig& config) {
  OfflineHost host(config, /*check_only=*/true, /*read_only=*/true);
  std::string errors;
  auto note = [&](const sdk::Status& s) {
    if (!s) errors += (errors.empty() ? "" : "\n") + s.message();
  };
  if (auto lib = host.loader.load(config.store.plugin, sdk::PluginKind::kStore, config.store.position); !lib) note(lib.status());
  else note(PluginLoader::create_store(*lib, config.store.config, host.loop).status());
  if (auto lib = host.loader.load(config.strategy.plugin, sdk::PluginKind::kStrategy, config.strategy.position); !lib) note(lib.status());
  else note(PluginLoader::create_strategy(*lib, config.strategy.config, host.loop).status());
  if (auto lib = host.loader.load(config.broker.plugin, sdk::PluginKind::kBroker, config.broker.position); !lib) note(lib.status());
  else note(PluginLoader::create_broker(*lib, config.broker.config, host.loop).status());
  for (const auto& o : config.observers) {
    if (auto lib = host.loader.load(o.slot.plugin, sdk::PluginKind::kObserver, o.slot.position); !lib)
      note(lib.status());
    else note(PluginLoader::create_observer(*lib, o.slot.config, host.loop).status());
  }
  if (!errors.empty()) {
    print_errors(errors);
    return kExitConfig;
  }
  std::cout << config.file.string() << ": ok (broker " << config.broker.plugin << ", store "
            << config.store.plugin << ", strategy " << config.strategy.plugin << ", "
            << config.observers.size() << " observers)\n";
  return kExitOk;
}

// The configured store opened read-only, or the exit code of why not (its errors printed).
struct ReadOnlyStore {
  std::unique_ptr<PluginInstance<sdk::Store>> store;
  int failure = kExitOk;
};
ReadOnlyStore open_store_read_only(OfflineHost& host, const HostConfig& config) {
  auto lib = host.loader.load(config.store.plugin, sdk::PluginKind::kStore, config.store.position);
  if (!lib) {
    print_errors(lib.status().message());
    return {nullptr, kExitConfig};
  }
  auto store = PluginLoader::create_store(*lib, config.store.config, host.loop);
  if (!store) {
    print_errors(store.status().message());
    return {nullptr, store.status().code() == sdk::StatusCode::kInvalidArgument ? kExitConfig
                                                                               : kExitRuntimeFailure};
  }
  return {std::move(*store), kExitOk};
}

int run_export(const HostConfig& config, const std::string& kind) {
  sdk::RecordKind k;
  if (kind == "setups") k = sdk::RecordKind::kSetups;
  else if (kind == "orders") k = sdk::RecordKind::kOrders;
  else if (kind == "fills") k = sdk::RecordKind::kFills;
  else if (kind == "trades") k = sdk::RecordKind::kTrades;
  else if (kind == "events") k = sdk::RecordKind::kEvents;
  else {
    std::cerr << "slob-host: export: unknown record kind \"" << kind
              << "\" (setups, orders, fills, trades, events)\n";
    return kExitUsage;
  }
  OfflineHost host(config, /*check_only=*/false, /*read_only=*/true);
  auto opened = open_store_read_only(host, config);
  if (!opened.store) return opened.failure;
  if (auto s = export_records(opened.store->get(), k, std::cout); !s) {
    print_errors(s.message());
    return kExitRuntimeFailure;
  }
  return kExitOk;
}

int run_report(const HostConfig& config, const std::filesystem::path& out) {
  OfflineHost host(config, /*check_only=*/false, /*read_only=*/true);
  auto opened = open_store_read_only(host, config);
  if (!opened.store) return opened.failure;
  sdk::Store& store = opened.store->get();
  auto state = store.host_state();
  if (!state) {
    print_errors(state.status().message());
    return kExitRuntimeFailure;
  }
  auto data = build_dashboard({store, *state, config.risk, nullptr, host.wall.now()});
  if (!data) {
    print_errors(data.status().message());
    return kExitRuntimeFailure;
  }
  // A string the store holds that is not UTF-8 is damage; the report shows it replaced rather
  // than refusing to show the rest.
  const std::string page = dashboard::static_report(
      data->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  if (file) file << page;
  if (!file || !file.flush()) {
    std::cerr << "slob-host: report: cannot write " << out.string() << ": " << std::strerror(errno)
              << "\n";
    return kExitRuntimeFailure;
  }
  std::cout << out.string() << "\n";
  return kExitOk;
}

int run_scan(const HostConfig& config, const std::filesystem::path& csv) {
  std::ifstream in(csv);
  if (!in) {
    std::cerr << csv.string() << ": cannot open\n";
    return kExitRuntimeFailure;
  }
  OfflineHost host(config, /*check_only=*/false, /*read_only=*/false);
  auto lib =
      host.loader.load(config.strategy.plugin, sdk::PluginKind::kStrategy, config.strategy.position);
  if (!lib) {
    print_errors(lib.status().message());
    return kExitConfig;
  }
  auto strategy = PluginLoader::create_strategy(*lib, config.strategy.config, host.loop);
  if (!strategy) {
    print_errors(strategy.status().message());
    return kExitConfig;
  }
  if (auto s = run_strategy_scan((*strategy)->get(), in, csv.string(), std::cout); !s) {
    print_errors(s.message());
    return kExitRuntimeFailure;
  }
  return kExitOk;
}

}  // namespace slob::core
