// lmdb-crash-writer: drives the lmdb store plugin from a separate process for the crash and
// refusal tests.
//
//   lmdb-crash-writer --path DIR [--records K] [--batches N] [--sync full|none]
//       Opens the store, continues after the last committed batch, commits N numbered batches
//       (crash_batches.hpp: each as its intent, then the whole batch) and prints "ack <n>" on
//       stdout after both commits returned, flushed
//       at once so a parent that reads the line knows the batch is durable.
//   lmdb-crash-writer --check DIR [--read-only]
//       Opens the store as the daemon would and prints "ok: ..." (exit 0), or the error as one
//       line on stderr (exit 1).
//   lmdb-crash-writer --verify DIR --acked N [--records K]
//       Checks that DIR holds exactly batches 1..n with N <= n <= N+1 (exit 0, "ok <n>").
// Exit codes: 0 fine, 1 store error or failed verification, 2 usage.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "crash_batches.hpp"
#include "lmdb_store.hpp"
#include "test_host_services.hpp"

namespace {

namespace writer = slob::tools::lmdb_crash_writer;
namespace sdk = slob::sdk;

struct Options {
  std::string mode;
  std::string path;
  std::string sync = "full";
  std::int64_t batches = 1'000'000;
  std::int64_t acked = 0;
  int records = 4;
  bool read_only = false;
};

int usage() {
  std::cerr << "usage: lmdb-crash-writer --path DIR [--records K] [--batches N] [--sync full|none]\n"
               "       lmdb-crash-writer --check DIR [--read-only]\n"
               "       lmdb-crash-writer --verify DIR --acked N [--records K]\n";
  return 2;
}

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--read-only") {
      o.read_only = true;
      continue;
    }
    if (!(v = next())) return false;
    if (a == "--path" || a == "--check" || a == "--verify") {
      o.mode = a;
      o.path = v;
    } else if (a == "--sync") {
      o.sync = v;
    } else if (a == "--batches") {
      o.batches = std::atoll(v);
    } else if (a == "--acked") {
      o.acked = std::atoll(v);
    } else if (a == "--records") {
      o.records = std::atoi(v);
    } else {
      return false;
    }
  }
  return !o.mode.empty() && o.records > 0 && o.batches >= 0;
}

sdk::ConfigTable config_table(const Options& o) {
  sdk::ConfigTable t;
  t.section = "store.config";
  t.position = {"<command line>", 1, 1};
  t.values["path"] = sdk::ConfigValue{o.path, {"<command line>", 1, 1}};
  t.values["sync"] = sdk::ConfigValue{o.sync, {"<command line>", 1, 1}};
  if (o.read_only) t.values["read_only"] = sdk::ConfigValue{true, {"<command line>", 1, 1}};
  return t;
}

// One write(2) per line: nothing buffered in this process can be lost by SIGKILL after the
// line was reported.
void print_ack(std::int64_t n) {
  const std::string line = "ack " + std::to_string(n) + "\n";
  if (::write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    std::exit(1);
  }
}

int run(const Options& o) {
  slob::test::TestHostServices host(".", ".");
  auto store = slob::plugins::lmdb::create_store(host, config_table(o));
  if (!store) {
    std::cerr << "lmdb-crash-writer: " << store.status().message() << "\n";
    return 1;
  }
  sdk::Store& s = **store;
  if (o.mode == "--check") {
    std::size_t live = 0;
    auto st = s.scan_live_setups([&](const sdk::SetupRecord&) { return ++live, true; });
    if (!st) {
      std::cerr << "lmdb-crash-writer: " << st.message() << "\n";
      return 1;
    }
    std::cout << "ok: " << o.path << ": " << live << " live setups\n";
    return 0;
  }
  if (o.mode == "--verify") {
    std::int64_t committed = 0;
    bool intent_pending = false;
    auto st = writer::verify_batches(s, o.acked, o.records, committed, intent_pending);
    if (!st) {
      std::cerr << "lmdb-crash-writer: " << o.path << ": " << st.message() << "\n";
      return 1;
    }
    std::cout << "ok " << committed << (intent_pending ? " and the next intent" : "") << "\n";
    return 0;
  }
  auto end = writer::store_end(s);
  if (!end) {
    std::cerr << "lmdb-crash-writer: " << end.status().message() << "\n";
    return 1;
  }
  const std::int64_t first = end->complete + 1;  // a batch whose intent alone landed: again
  for (std::int64_t n = first; n < first + o.batches; ++n) {
    auto st = s.commit(writer::make_intent(n, o.records));
    if (st) st = s.commit(writer::make_batch(n, o.records));
    if (!st) {
      std::cerr << "lmdb-crash-writer: batch " << n << ": " << st.message() << "\n";
      return 1;
    }
    print_ack(n);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) return usage();
  return run(o);
}
