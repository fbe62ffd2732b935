// Crash safety with real processes: lmdb-crash-writer commits numbered batches through the
// real store and prints "ack N" after each commit returned; it is SIGKILLed at random points,
// and after every kill the store must hold every acknowledged batch complete and no partial one
// (at most the intent of the next, which the writer commits first, through the intent log).

#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <iostream>
#include <random>
#include <thread>

#include "crash_batches.hpp"
#include "lmdb_store.hpp"
#include "lmdb_test_support.hpp"
#include "process.hpp"
#include "test_host_services.hpp"

namespace lmdb = slob::plugins::lmdb;
using slob::test::TestHostServices;
using slob::test::Process;
using slob::test::lmdb::TempDir;

namespace {

constexpr int kKills = 60;
constexpr int kRecords = 4;

// Highest "ack N" in `text` (complete lines only), or `floor` when there is none.
std::int64_t last_ack(const std::string& text, std::int64_t floor) {
  std::int64_t last = floor;
  std::size_t pos = 0;
  while (true) {
    const std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) break;
    const std::string line = text.substr(pos, nl - pos);
    if (line.rfind("ack ", 0) == 0) last = std::max<std::int64_t>(last, std::stoll(line.substr(4)));
    pos = nl + 1;
  }
  return last;
}

}  // namespace

TEST_CASE("lmdb crash: SIGKILL at random points never loses an acknowledged batch",
          "[lmdb][crash]") {
  TempDir dir;
  const std::string path = dir.sub("state");
  const unsigned seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> acks_before_kill(0, 12);
  std::uniform_int_distribution<int> extra_spin_us(0, 3000);

  std::int64_t committed = 0;
  int landed_unacked = 0;  // kills between a commit and its ack line
  int intent_only = 0;     // kills between a batch's intent (in the intent log) and the rest
  for (int kill = 0; kill < kKills; ++kill) {
    INFO("kill " << kill << ", store at batch " << committed);
    std::string output;
    {
      Process writer({LMDB_CRASH_WRITER, "--path", path, "--records", std::to_string(kRecords)},
                     dir / "writer.out", dir / "writer.err");
      REQUIRE(writer.started());
      const int want = acks_before_kill(rng);
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      // The writer's stdout is a file; a short pause between reads keeps the kill close to
      // the wanted ack (a batch takes a few milliseconds).
      while (last_ack(output, committed) < committed + want &&
             std::chrono::steady_clock::now() < give_up) {
        REQUIRE(writer.running());  // not running: the writer stopped on its own
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        output = writer.out();
      }
      // Busy-wait a random moment more, so kills fall inside commits too, not only on acks.
      const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(extra_spin_us(rng));
      while (std::chrono::steady_clock::now() < until) {
      }
      const int status = writer.kill();
      REQUIRE((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));
      output = writer.out();  // lines written before death are acknowledged
    }
    const std::int64_t acked = last_ack(output, committed);

    TestHostServices host;
    lmdb::StoreConfig config;
    config.path = path;
    auto store = lmdb::LmdbStore::open(host, config);
    INFO(store.status().message());
    REQUIRE(store.is_ok());
    std::int64_t now_committed = 0;
    bool intent_pending = false;
    const auto status = slob::tools::lmdb_crash_writer::verify_batches(**store, acked, kRecords,
                                                                       now_committed, intent_pending);
    INFO("acked " << acked << ": " << status.message());
    REQUIRE(status.is_ok());
    landed_unacked += now_committed == acked + 1;
    intent_only += intent_pending;
    committed = now_committed;
  }
  std::cout << "lmdb crash: " << kKills << " kills, " << committed << " batches, "
            << landed_unacked << " kills between commit and ack, " << intent_only
            << " after the intent alone\n";
  CHECK(committed > kKills);  // the writer made progress between kills
}
