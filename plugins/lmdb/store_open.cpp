#include "store_open.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <utility>

#include "schema.hpp"
#include "schema_migration.hpp"
#include "store_probe.hpp"

namespace slob::plugins::lmdb {

namespace {

sdk::Status prepare_directory(const StoreConfig& config) {
  const std::string& dir = config.path;
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) return sdk::Status::invalid_argument(dir + ": not a directory");
    return sdk::Status::ok();
  }
  if (errno != ENOENT) {
    return sdk::Status::io_error(dir + ": cannot stat store directory: " + std::strerror(errno));
  }
  if (config.read_only) {
    return sdk::Status::not_found(dir + ": store directory does not exist");
  }
  const std::filesystem::path parent = std::filesystem::path(dir).parent_path();
  std::error_code ec;
  if (!std::filesystem::is_directory(parent, ec)) {
    return sdk::Status::io_error(dir + ": parent directory " + parent.string() +
                                 " does not exist");
  }
  if (::mkdir(dir.c_str(), 0750) != 0) {
    return sdk::Status::io_error(dir + ": cannot create store directory: " + std::strerror(errno));
  }
  return sdk::Status::ok();
}

struct NamedDb {
  const char* name;
  MDB_dbi Databases::*member;
};

constexpr NamedDb kNamedDbs[] = {
    {kDbMeta, &Databases::meta},
    {kDbHost, &Databases::host},
    {kDbSetups, &Databases::setups},
    {kDbSetupsLive, &Databases::setups_live},
    {kDbOrders, &Databases::orders},
    {kDbOrdersUnresolved, &Databases::orders_unresolved},
    {kDbFills, &Databases::fills},
    {kDbTrades, &Databases::trades},
    {kDbTradesOpen, &Databases::trades_open},
    {kDbEvents, &Databases::events},
    {kDbCandles, &Databases::candles},
    {kDbObservers, &Databases::observers},
};

// kNamedDbs lists kDatabases in its order (which carries the schema that added each).
constexpr bool same_order() {
  if (std::size(kNamedDbs) != kDatabases.size()) return false;
  for (std::size_t i = 0; i < kDatabases.size(); ++i)
    if (std::string_view(kNamedDbs[i].name) != kDatabases[i].name) return false;
  return true;
}
static_assert(same_order());

// Opens (and on a fresh store creates) every database of `schema` and, when creating, writes
// the schema version, all in one transaction. The handles of databases a later schema added
// stay 0: the migration creates them, and a store read at its older schema never uses them.
sdk::Status open_databases(OpenedEnv& opened, const std::string& dir, bool create, std::uint32_t schema) {
  TxnHandle txn;
  int rc = begin_txn(opened.env.get(), create ? 0 : MDB_RDONLY, txn);
  if (rc != MDB_SUCCESS) return lmdb_status(rc, dir + ": cannot begin transaction");
  for (std::size_t i = 0; i < kDatabases.size(); ++i) {
    if (kDatabases[i].since > schema) continue;
    const NamedDb& db = kNamedDbs[i];
    rc = mdb_dbi_open(txn.get(), db.name, create ? MDB_CREATE : 0, &(opened.dbs.*db.member));
    if (rc != MDB_SUCCESS) {
      return lmdb_status(rc, dir + ": cannot open database \"" + db.name + "\"");
    }
  }
  if (create && (rc = put_schema_version(txn.get(), opened.dbs, kSchemaVersion)) != MDB_SUCCESS)
    return lmdb_status(rc, dir + ": cannot write schema version");
  // Committing also a read transaction: that is what keeps the database handles open.
  rc = txn.commit();
  if (rc != MDB_SUCCESS) return lmdb_status(rc, dir + ": cannot initialise store");
  return sdk::Status::ok();
}

// An older layout becomes the current one in one write transaction, version included.
sdk::Status migrate(OpenedEnv& opened, const std::string& dir) {
  TxnHandle txn;
  int rc = begin_txn(opened.env.get(), 0, txn);
  std::string where = "begin";
  if (rc == MDB_SUCCESS) rc = migrate_schema(txn.get(), opened.dbs, opened.schema_version, opened.migration, where);
  if (rc == MDB_SUCCESS) {
    where = "commit";
    rc = txn.commit();
  }
  if (rc != MDB_SUCCESS) {
    return lmdb_status(rc, dir + ": cannot migrate schema " + std::to_string(opened.schema_version) +
                               " to " + std::to_string(kSchemaVersion) + " at " + where +
                               " (the store is left at schema " +
                               std::to_string(opened.schema_version) + ")");
  }
  opened.schema_version = kSchemaVersion;
  return sdk::Status::ok();
}

}  // namespace

sdk::Result<OpenedEnv> open_environment(const StoreConfig& config) {
  const std::string& dir = config.path;
  if (auto s = prepare_directory(config); !s) return s;

  OpenedEnv opened;
  auto claim = EnvClaim::acquire(dir);
  if (!claim) return claim.status();
  opened.claim = std::move(*claim);

  auto probe = probe_store(dir);
  if (!probe) return probe.status();
  if (probe->initialized && probe->schema_version > kSchemaVersion) {
    return sdk::Status::failed_precondition(
        dir + ": schema version " + std::to_string(probe->schema_version) +
        " is newer than this build supports (" + std::to_string(kSchemaVersion) +
        "); refusing to open it");
  }
  if (probe->initialized && probe->schema_version < 1) {
    return sdk::Status::corruption(dir + ": invalid schema version " +
                                   std::to_string(probe->schema_version));
  }
  if (config.read_only && !probe->initialized) {
    return sdk::Status::not_found(dir + ": no store in this directory");
  }

  MDB_env* raw = nullptr;
  int rc = mdb_env_create(&raw);
  if (rc != MDB_SUCCESS) return lmdb_status(rc, dir + ": cannot create LMDB environment");
  opened.env.reset(raw);
  mdb_env_set_maxdbs(opened.env.get(), kMaxDatabases);
  // A map once grown stays grown: never ask for less than the file already records.
  rc = mdb_env_set_mapsize(opened.env.get(), std::max(config.map_size, probe->map_size));
  if (rc != MDB_SUCCESS) return lmdb_status(rc, dir + ": cannot set map size");
  unsigned flags = MDB_NOTLS;  // read transactions are not tied to a thread
  // Not durable anyway: writing through the map spares a pwrite per dirty page per commit
  // (59,000 a simulated year of replay, a third of its system time).
  if (config.sync == SyncMode::kNone) flags |= MDB_NOSYNC | MDB_WRITEMAP;
  // Read-only creates nothing: without a usable lock file it reads unlocked (store_probe.hpp).
  if (config.read_only) flags |= MDB_RDONLY | reader_lock_flags(dir);
  rc = mdb_env_open(opened.env.get(), dir.c_str(), flags, 0640);
  if (rc != MDB_SUCCESS) return lmdb_status(rc, dir + ": cannot open store");

  rc = mdb_reader_check(opened.env.get(), &opened.stale_readers);
  if (rc != MDB_SUCCESS) return lmdb_status(rc, dir + ": cannot check reader slots");

  opened.created = !probe->initialized;
  opened.schema_version = opened.created ? kSchemaVersion : probe->schema_version;
  if (auto s = open_databases(opened, dir, opened.created, opened.schema_version); !s) return s;
  if (opened.schema_version < kSchemaVersion && !config.read_only) {
    if (auto s = migrate(opened, dir); !s) return s;
  }

  MDB_envinfo info{};
  mdb_env_info(opened.env.get(), &info);
  opened.map_size = info.me_mapsize;
  return opened;
}

}  // namespace slob::plugins::lmdb
