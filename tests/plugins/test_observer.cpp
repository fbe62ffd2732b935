// Test-only observer plugin "testobserver": appends each delivery it is given to a file, one JSON
// line, and answers as a mode file says at that moment, so a test can take the "receiver" down,
// make it hang and bring it back while the daemon runs.
//
// Config: record (path, required): where deliveries are appended; mode_file (path, optional):
// its first word is deliver (default when absent), retry, refuse or hang. Relative paths
// resolve against the config's directory. A delivery is recorded only when it is confirmed
// (mode deliver), as a receiver that took it would; `attempts` counts every call.

#include <fstream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "slob/sdk/config.hpp"
#include "slob/sdk/events.hpp"
#include "slob/sdk/host_services.hpp"
#include "slob/sdk/observer.hpp"

namespace slob::test_plugins {
namespace {

std::string resolve(const sdk::HostServices& host, const std::string& path) {
  return path.empty() || path[0] == '/' ? path : host.config_dir() + "/" + path;
}

class TestObserver final : public sdk::Observer {
 public:
  TestObserver(sdk::HostServices& host, std::string record, std::string mode_file)
      : host_(host), record_(std::move(record)), mode_file_(std::move(mode_file)) {}

  void deliver(const sdk::Delivery& d, std::function<void(sdk::DeliveryResult)> done) override {
    const std::string mode = current_mode();
    if (mode == "hang") return;  // never answers: the host's timeout must cancel()
    if (mode == "retry") {
      done({sdk::DeliveryResult::Outcome::kRetry, "test receiver " + record_ + ": 503"});
      return;
    }
    if (mode == "refuse") {
      done({sdk::DeliveryResult::Outcome::kRefused, "test receiver " + record_ + ": 401"});
      return;
    }
    nlohmann::json line{{"key", d.idempotency_key},
                        {"observer", d.observer},
                        {"shape", d.shape == sdk::Delivery::Shape::kSummary ? "summary" : "events"}};
    for (const auto& e : d.events) {
      nlohmann::json fields = nlohmann::json::object();
      for (const auto& f : e.fields) fields[f.key] = f.value;
      line["events"].push_back({{"sequence", e.sequence},
                                {"type", e.type},
                                {"severity", sdk::severity_name(e.severity)},
                                {"subject", e.subject},
                                {"reason", e.reason},
                                {"fields", fields}});
    }
    auto status = host_.read_view("status");
    line["status_state"] = status ? nlohmann::json::parse(*status).value("state", "") : "";
    std::ofstream(record_, std::ios::app) << line.dump() << "\n";
    done({sdk::DeliveryResult::Outcome::kDelivered, ""});
  }
  void cancel() override {}
  std::string destination() const override { return "file " + record_; }

 private:
  std::string current_mode() const {
    if (mode_file_.empty()) return "deliver";
    std::ifstream in(mode_file_);
    std::string mode;
    in >> mode;
    return mode.empty() ? "deliver" : mode;
  }

  sdk::HostServices& host_;
  std::string record_;
  std::string mode_file_;
};

sdk::Result<std::unique_ptr<sdk::Observer>> make(sdk::HostServices& host, const sdk::ConfigTable& table) {
  sdk::ConfigReader reader(table);
  const std::string record = reader.get_string("record", "");
  const std::string mode_file = reader.get_string("mode_file", "");
  if (record.empty()) reader.add_error("record", "record (a file path) is required");
  if (auto s = reader.finish(); !s) return s;
  if (host.check_only()) return std::unique_ptr<sdk::Observer>();
  return std::unique_ptr<sdk::Observer>(
      std::make_unique<TestObserver>(host, resolve(host, record), resolve(host, mode_file)));
}

}  // namespace
}  // namespace slob::test_plugins

SLOB_OBSERVER_PLUGIN("testobserver", "0.1.0-test", 0, &slob::test_plugins::make)
