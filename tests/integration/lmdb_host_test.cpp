// The lmdb store under a real slob-host (sim + lmdb + slob, the layout of config/slob.toml):
//   - `export` and `--check` read without writing or creating anything, whatever the schema
//     (the committed schema-1/2/3 stores are read in place), also on read-only files and while
//     another process holds the store open for writing with records in its intent log;
//   - a data.mdb that is missing or empty beside the store's other files is refused, not
//     started afresh (--fresh still starts afresh);
//   - damaged bytes in a copy of a real store (page headers, node offsets, node headers, keys,
//     values, both meta pages, an overflow page; a sweep) give exit 78 (run, --check) or 1
//     (export) with a line naming the store, never a signal or an uncaught exception, and the
//     file stays byte-for-byte as it was; a string that is not UTF-8 stops export naming it.
// The bigger sweep over every page in use is tagged [.slow].

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "file_check.hpp"
#include "lmdb_store.hpp"
#include "lmdb_test_support.hpp"
#include "process.hpp"
#include "test_host_services.hpp"

namespace fs = std::filesystem;
namespace lmdb = slob::plugins::lmdb;
namespace sdk = slob::sdk;
using namespace std::chrono_literals;
using slob::test::RunResult;
using slob::test::TempDir;
using slob::test::lmdb::file_bytes;
using slob::test::lmdb::file_fingerprint;

namespace {

const fs::path kFixtures = SLOB_TEST_FIXTURES_DIR;
const std::vector<std::string> kKinds = {"setups", "orders", "fills", "trades", "events"};

// A slob-host config (sim on the three-day fixture, lmdb store at state/lmdb, slob strategy)
// in a scratch directory, and the commands run on it.
struct Host {
  TempDir dir;
  fs::path config = dir / "slob.toml";
  fs::path store = dir / "state" / "lmdb";
  fs::path data = store / "data.mdb";

  // `bars`: the sim broker's data; the damage sweep replays the bundled sample (a store with a
  // branch page and overflow pages), the rest three days of it.
  explicit Host(const fs::path& bars = kFixtures / "main" / "nq-3days.csv") {
    std::ofstream(config) << "[host]\nstate_dir = \"state\"\nplugin_dirs = [\"" << SLOB_TEST_PLUGIN_DIR
                          << "\"]\ncontrol_socket = \"state/slob.sock\"\n[broker]\nplugin = \"sim\"\n"
                          << "[broker.config]\ndata = \"" << bars.string()
                          << "\"\nspeed = 0\n[store]\nplugin = \"lmdb\"\n[store.config]\n"
                          << "path = \"state/lmdb\"\nsync = \"full\"\n[strategy]\nplugin = \"slob\"\n";
  }
  // `as_nobody`: when root, the command runs as uid/gid 65534, so file permissions apply.
  RunResult slob(const std::vector<std::string>& args, bool as_nobody = false) {
    std::vector<std::string> argv;
    if (as_nobody && ::geteuid() == 0)
      argv = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
    argv.insert(argv.end(), {SLOB_HOST_BIN, "--config", config.string()});
    argv.insert(argv.end(), args.begin(), args.end());
    return slob::test::run(argv, dir.path(), 120s);
  }
  // A replay of the whole fixture: the real store the other tests damage.
  void replay() {
    const RunResult r = slob({});
    INFO(r.err);
    REQUIRE(r.code == 0);
    REQUIRE(fs::file_size(data) > 0);
  }
  // A committed fixture store as this host's store.
  void use_fixture(const std::string& name) {
    fs::create_directories(store);
    for (const auto& f : fs::directory_iterator(kFixtures / "lmdb" / name))
      fs::copy_file(f.path(), store / f.path().filename());
  }
};

// The files of a directory with their fingerprints: what must not change.
// lock.mdb is LMDB's reader table: a reader registers in it, so only its presence counts.
std::map<std::string, std::string> files_of(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& f : fs::directory_iterator(dir)) {
    const std::string name = f.path().filename().string();
    out[name] = name == "lock.mdb" ? "present" : file_fingerprint(f.path().string());
  }
  return out;
}

// The lines of a fixture's expected dump for one record kind, without the kind prefix.
std::string expected_lines(const std::string& fixture, const std::string& kind) {
  std::istringstream in(file_bytes((kFixtures / "lmdb" / (fixture + ".jsonl")).string()));
  std::string out;
  for (std::string line; std::getline(in, line);)
    if (line.rfind(kind + " ", 0) == 0) out += line.substr(kind.size() + 1) + "\n";
  return out;
}

// The lines of stderr that are not log lines ("2026-...T... info store.lmdb SLOB_...: ..."):
// what a command prints as its errors.
std::vector<std::string> errors_of(const std::string& err) {
  static const std::regex log_line(R"(^\d{4}-\d\d-\d\dT\S+ (trace|debug|info|warn|error|critical) .*)");
  std::vector<std::string> out;
  std::istringstream in(err);
  for (std::string line; std::getline(in, line);)
    if (!std::regex_match(line, log_line)) out.push_back(line);
  return out;
}

// A refusal as the operator sees it: the exit code (never a signal) and one error line naming
// `what` (the store or its data file).
void expect_refusal(const RunResult& r, int code, const std::string& what) {
  INFO(r.err);
  CHECK(r.code == code);
  const auto errors = errors_of(r.err);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find(what) != std::string::npos);
}

void set_mode(const fs::path& p, mode_t mode) { REQUIRE(::chmod(p.c_str(), mode) == 0); }

}  // namespace

TEST_CASE("lmdb host: export and --check read schema-1 and schema-2 stores in place and create nothing",
          "[lmdb][host]") {
  for (const std::string fixture : {"schema-v1", "schema-v2"}) {
    DYNAMIC_SECTION(fixture) {
      Host host;
      host.use_fixture(fixture);
      const auto before = files_of(host.store);
      for (const auto& kind : kKinds) {
        const RunResult r = host.slob({"export", kind});
        INFO(kind << ": " << r.err);
        CHECK(r.code == 0);
        CHECK(r.out == expected_lines(fixture, kind));
      }
      const RunResult check = host.slob({"--check"});
      INFO(check.err);
      CHECK(check.code == 0);
      CHECK(files_of(host.store) == before);  // not migrated, no lock.mdb, no intents.wal
    }
  }
}

TEST_CASE("lmdb host: export reads a record staged in the intent log without folding it", "[lmdb][host]") {
  Host host;
  host.use_fixture("schema-v3");
  const auto before = files_of(host.store);
  const RunResult r = host.slob({"export", "orders"});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out == expected_lines("schema-v3", "orders"));  // the staged order included
  CHECK(files_of(host.store) == before);
}

TEST_CASE("lmdb host: export while another process writes the store folds nothing of its intent log",
          "[lmdb][host]") {
  Host host;
  host.replay();
  // The writer: this process, holding the store open as a daemon does, with an order's intent
  // in intents.wal that no LMDB commit has folded yet.
  slob::test::TestHostServices services;
  lmdb::StoreConfig config;
  config.path = host.store.string();
  auto writer = lmdb::LmdbStore::open(services, config);
  REQUIRE(writer.is_ok());
  sdk::WriteBatch intent;
  sdk::JournalEntry e;
  e.setup_id = "held-by-writer";
  e.client_ref = sdk::make_client_ref(e.setup_id, sdk::Leg::kEntry);
  intent.journal.push_back(e);
  REQUIRE((*writer)->commit(intent).is_ok());
  const auto before = files_of(host.store);

  const RunResult r = host.slob({"export", "orders"});
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(r.out.find("\"client_ref\":\"slob:held-by-writer:entry\"") != std::string::npos);
  CHECK(files_of(host.store) == before);  // data.mdb and intents.wal as the writer left them
  // The writer goes on: its next commit folds the intent itself.
  sdk::WriteBatch more;
  more.audit.push_back(sdk::AuditEvent{0, sdk::Time{}, "alert.test", sdk::Severity::kInfo, "writer", "still writing", {}});
  CHECK((*writer)->commit(more).is_ok());
}

TEST_CASE("lmdb host: export and --check create nothing where no store exists", "[lmdb][host]") {
  Host host;
  expect_refusal(host.slob({"export", "trades"}), 1, host.store.string() + ": store directory does not exist");
  CHECK(host.slob({"--check"}).code == 0);  // a first start would create it: nothing to check
  CHECK_FALSE(fs::exists(host.dir / "state"));
}

TEST_CASE("lmdb host: export and --check read a store on read-only files, with or without lock.mdb",
          "[lmdb][host]") {
  Host host;
  host.replay();
  std::map<std::string, std::string> expected;
  for (const auto& kind : kKinds) expected[kind] = host.slob({"export", kind}).out;
  const bool keep_lock = GENERATE(true, false);
  if (!keep_lock) fs::remove(host.store / "lock.mdb");
  const auto before = files_of(host.store);
  // Readable by everyone, writable by nobody: what read-only media or a backup copy look like
  // to a non-root user (root ignores file permissions, so the commands drop to nobody).
  for (const auto& f : fs::directory_iterator(host.store)) set_mode(f.path(), 0444);
  set_mode(host.store, 0555);
  set_mode(host.dir.path(), 0755);
  set_mode(host.dir / "state", 0755);
  set_mode(host.config, 0644);

  for (const auto& kind : kKinds) {
    const RunResult r = host.slob({"export", kind}, /*as_nobody=*/true);
    INFO(kind << " (lock.mdb " << (keep_lock ? "kept" : "removed") << "): " << r.err);
    CHECK(r.code == 0);
    CHECK(r.out == expected[kind]);
  }
  const RunResult check = host.slob({"--check"}, /*as_nobody=*/true);
  INFO(check.err);
  CHECK(check.code == 0);
  set_mode(host.store, 0750);
  CHECK(files_of(host.store) == before);
}

TEST_CASE("lmdb host: a data.mdb missing or empty beside the store's other files is refused, not started afresh",
          "[lmdb][host]") {
  Host host;
  host.replay();
  const std::string trades = host.slob({"export", "trades"}).out;
  REQUIRE_FALSE(trades.empty());
  const bool missing = GENERATE(true, false);
  if (missing) {
    fs::remove(host.data);
  } else {
    fs::resize_file(host.data, 0);
  }
  const auto before = files_of(host.store);
  const std::string what = host.data.string() + (missing ? " is missing" : " is empty") +
                           " but lock.mdb and intents.wal are there";
  const RunResult run = host.slob({});
  INFO(run.err);
  CHECK(run.code == 78);
  CHECK(run.err.find(what) != std::string::npos);
  CHECK(files_of(host.store) == before);  // no fresh store, intents.wal not folded anywhere
  expect_refusal(host.slob({"--check"}), 78, what);
  expect_refusal(host.slob({"export", "trades"}), 1, what);
  CHECK(files_of(host.store) == before);

  // Starting afresh is a decision: --fresh (replays only) wipes the state and replays again.
  const RunResult fresh = host.slob({"--fresh"});
  INFO(fresh.err);
  CHECK(fresh.code == 0);
  CHECK(host.slob({"export", "trades"}).out == trades);
}

namespace {

struct Target {
  std::string what;
  std::uint64_t offset;
  bool structural;   // LMDB's bookkeeping: the damage must be refused
  std::string kind;  // the export that reads the damaged tree's records
};

std::uint16_t u16_at(const std::string& bytes, std::uint64_t at) {
  std::uint16_t v;
  std::memcpy(&v, bytes.data() + at, 2);
  return v;
}

std::string export_kind_of(const std::string& tree) {
  for (const auto& k : kKinds)
    if (tree == k) return k;
  return "events";
}

// Byte offsets to damage in a real store: both meta pages (magic, version, page size, the main
// tree's root, the last page, the transaction id) and, for the first page in use of each kind
// and tree, the page header (number, flags, free-space bounds), the first node pointer, the
// node's header (size, key size), its key and its value. `stride` > 0 adds every stride-th
// byte of every page in use (the [.slow] sweep).
std::vector<Target> targets_of(const std::string& data, std::uint64_t stride) {
  std::vector<lmdb::PageInUse> pages;
  auto summary = lmdb::check_data_file(data, &pages);
  INFO(summary.status().message());
  REQUIRE(summary.is_ok());
  const std::uint64_t psize = summary->page_size;
  const std::string bytes = file_bytes(data);
  std::vector<Target> out;
  for (std::uint64_t meta : {0, 1}) {
    const std::uint64_t m = meta * psize + 16;
    const std::string name = "meta page " + std::to_string(meta);
    out.push_back({name + " magic", m, true, "events"});
    out.push_back({name + " version", m + 4, true, "events"});
    out.push_back({name + " page size", m + 24 + 1, true, "events"});
    out.push_back({name + " main root", m + 72 + 40, meta == summary->txnid % 2, "events"});
    out.push_back({name + " last page", m + 120, meta == summary->txnid % 2, "events"});
    out.push_back({name + " txnid", m + 128, true, "events"});
  }
  std::set<std::pair<unsigned, std::string>> done;
  for (const auto& p : pages) {
    const std::uint64_t at = p.page * psize;
    const std::string name = "page " + std::to_string(p.page) + " (" + p.tree + ", " +
                             (p.kind == 1 ? "branch" : p.kind == 2 ? "leaf" : "overflow") + ")";
    const std::string kind = export_kind_of(p.tree);
    if (done.insert({p.kind, p.tree}).second) {
      out.push_back({name + " number", at, true, kind});
      out.push_back({name + " flags", at + 10, true, kind});
      if (p.kind == 4) {
        out.push_back({name + " page count", at + 12, true, kind});
        out.push_back({name + " value", at + 16 + 7, false, kind});
      } else {
        const std::uint16_t node = u16_at(bytes, at + 16);
        const std::uint16_t ksize = u16_at(bytes, at + node + 6);
        out.push_back({name + " lower bound", at + 12, true, kind});
        out.push_back({name + " upper bound", at + 14, true, kind});
        out.push_back({name + " node pointer", at + 16, true, kind});
        // A leaf's value size is bookkeeping unless the value is on overflow pages, whose run
        // may be longer than the value needs (LMDB reuses it for a shorter value).
        const bool big = p.kind == 2 && (u16_at(bytes, at + node + 4) & 1) != 0;
        out.push_back({name + (p.kind == 1 ? " child page" : " value size"), at + node + (p.kind == 1 ? 4 : 0),
                       !big, kind});
        out.push_back({name + " key size", at + node + 6, true, kind});
        if (ksize > 0) out.push_back({name + " key", at + node + 8 + ksize - 1, false, kind});
        if (p.kind == 2) out.push_back({name + " value", at + node + 8 + ksize + 2, false, kind});
      }
    }
    for (std::uint64_t o = stride; stride > 0 && o < psize; o += stride)
      out.push_back({name + " +" + std::to_string(o), at + o, false, kind});
  }
  // The offset of the report in issue 18 (page 14 of its store, the first byte after the header).
  out.push_back({"byte 14*4096+16", 14 * psize + 16, false, "events"});
  return out;
}

void damage(const fs::path& file, std::uint64_t offset) {
  std::fstream f(file, std::ios::binary | std::ios::in | std::ios::out);
  f.seekg(static_cast<std::streamoff>(offset));
  const int c = f.get();
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(static_cast<char>(c ^ 0xff));
}

// A clean outcome of one command on a damaged store: success, or the refusal code with one
// error line naming the store (its data file, or the record a decoder refused); never a
// signal, a timeout or an uncaught exception.
bool clean(const RunResult& r, int refusal, const std::string& store) {
  if (r.code == 0) return true;
  const auto errors = errors_of(r.err);
  return r.code == refusal && errors.size() == 1 && errors[0].rfind(store, 0) == 0;
}

void sweep(std::uint64_t stride, bool run_daemon) {
  Host host(fs::path(SLOB_SOURCE_DIR) / "tools" / "data" / "nq-sample.csv");
  host.replay();
  const fs::path good = host.dir / "good";
  fs::copy(host.store, good);
  const std::string data = host.data.string();
  const auto targets = targets_of(data, stride);
  int refused = 0;
  for (const auto& t : targets) {
    if (t.offset >= fs::file_size(host.data)) continue;
    fs::remove_all(host.store);
    fs::copy(good, host.store);
    damage(host.data, t.offset);
    const std::string damaged = file_fingerprint(data);
    INFO(t.what << " (byte " << t.offset << ")");

    const RunResult check = host.slob({"--check"});
    INFO("--check: " << check.code << " " << check.err);
    CHECK(clean(check, 78, host.store.string()));
    const RunResult exported = host.slob({"export", t.kind});
    INFO("export " << t.kind << ": " << exported.code << " " << exported.err);
    CHECK(clean(exported, 1, host.store.string()));
    CHECK(file_fingerprint(data) == damaged);
    if (t.structural) {
      CHECK(check.code == 78);
      CHECK(exported.code == 1);
    }
    if (check.code != 0) ++refused;
    // A run on what --check refused must refuse too, leaving the file as it was. (A run on
    // damage nobody can see, inside a value, replays on it: that is the record decoders' job.)
    if (run_daemon && check.code != 0) {
      const RunResult run = host.slob({});
      INFO("run: " << run.code << " " << run.err.substr(run.err.size() > 600 ? run.err.size() - 600 : 0));
      CHECK(run.code == 78);
      CHECK(run.err.find(data) != std::string::npos);
      CHECK(file_fingerprint(data) == damaged);
    }
  }
  CHECK(refused > 0);
  WARN(refused << " of " << targets.size() << " damaged copies refused");
}

}  // namespace

TEST_CASE("lmdb host: damaged bytes in the store's pages are refused naming it, never a crash",
          "[lmdb][host][damage]") {
  sweep(/*stride=*/0, /*run_daemon=*/true);
}

TEST_CASE("lmdb host: damage at every 61st byte of every page in use is never a crash",
          "[.slow][lmdb][host][damage]") {
  sweep(/*stride=*/61, /*run_daemon=*/false);
}

TEST_CASE("lmdb host: a string that is not UTF-8 stops export with one line naming the record",
          "[lmdb][host][damage]") {
  Host host;
  host.replay();
  std::vector<lmdb::PageInUse> pages;
  auto summary = lmdb::check_data_file(host.data.string(), &pages);
  REQUIRE(summary.is_ok());
  const auto leaf = std::find_if(pages.begin(), pages.end(),
                                 [](const auto& p) { return p.tree == "setups" && p.kind == 2; });
  REQUIRE(leaf != pages.end());
  // The first setup's value: tag, version, the id's u32 length, then the id (ASCII digits).
  const std::uint64_t at = leaf->page * summary->page_size;
  const std::string bytes = file_bytes(host.data.string());
  const std::uint16_t node = u16_at(bytes, at + 16);
  const std::uint16_t ksize = u16_at(bytes, at + node + 6);
  const std::uint64_t id = at + node + 8 + ksize + 2 + 4;
  REQUIRE(static_cast<unsigned char>(bytes[id]) < 0x80);
  {
    std::fstream f(host.data, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(id));
    f.put(static_cast<char>(bytes[id] | 0x80));  // a lone continuation byte
  }
  const std::string damaged = file_fingerprint(host.data.string());
  const RunResult r = host.slob({"export", "setups"});
  INFO(r.err);
  CHECK(r.code == 1);
  const auto errors = errors_of(r.err);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].rfind("export setups: record 1 (id \"", 0) == 0);
  CHECK(errors[0].find("holds a string that is not UTF-8") != std::string::npos);
  CHECK(file_fingerprint(host.data.string()) == damaged);
}
