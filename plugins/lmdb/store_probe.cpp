#include "store_probe.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "file_check.hpp"
#include "intent_log.hpp"
#include "lmdb_handles.hpp"
#include "schema.hpp"

namespace slob::plugins::lmdb {

namespace {

constexpr const char kLockFile[] = "lock.mdb";
// A walk that failed while another process committed is repeated (see check_unchanged()).
constexpr int kWalkAttempts = 5;

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// The store's other files, when data.mdb is missing or empty: they say a store was here.
std::string other_store_files(const std::string& dir) {
  std::string found;
  for (const char* name : {kLockFile, kIntentLogFile}) {
    if (exists(dir + "/" + name)) found += (found.empty() ? "" : " and ") + std::string(name);
  }
  return found;
}

// check_data_file(), repeated while a writer in another process (a running daemon, while
// `export` reads) commits meanwhile: it may reuse the pages the walk read. Damage stays put.
sdk::Status check_unchanged(const std::string& file) {
  for (int attempt = 1;; ++attempt) {
    const std::uint64_t before = data_file_txnid(file);
    auto checked = check_data_file(file);
    if (checked || attempt == kWalkAttempts || data_file_txnid(file) == before) return checked.status();
  }
}

}  // namespace

bool holds_store_files(const std::string& dir) {
  struct stat st {};
  if (::stat((dir + "/" + kDataFile).c_str(), &st) == 0 && (st.st_size > 0 || !S_ISREG(st.st_mode)))
    return true;
  return !other_store_files(dir).empty();
}

unsigned reader_lock_flags(const std::string& dir) {
  const int fd = ::open((dir + "/" + kLockFile).c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return MDB_NOLOCK;
  ::close(fd);
  return 0;
}

sdk::Result<ProbeResult> probe_store(const std::string& dir) {
  const std::string file = dir + "/" + kDataFile;
  struct stat st {};
  const bool missing = ::stat(file.c_str(), &st) != 0;
  if (missing && errno != ENOENT) {
    return sdk::Status::io_error(file + ": cannot stat: " + std::strerror(errno));
  }
  if (!missing && !S_ISREG(st.st_mode)) return sdk::Status::corruption(file + ": not a regular file");
  if (missing || st.st_size == 0) {
    // A first start finds an empty directory; LMDB creates lock.mdb before data.mdb, and the
    // intent log follows the layout, so either beside no data is a store that was lost.
    const std::string others = other_store_files(dir);
    if (others.empty()) return ProbeResult{};
    return sdk::Status::corruption(file + (missing ? " is missing" : " is empty") + " but " + others +
                                   (others.find(" and ") == std::string::npos ? " is" : " are") +
                                   " there: the store was deleted or truncated; restore it from a "
                                   "backup (a first start has an empty directory)");
  }
  if (auto s = check_unchanged(file); !s) return s;

  MDB_env* raw = nullptr;
  int rc = mdb_env_create(&raw);
  if (rc != MDB_SUCCESS) return lmdb_status(rc, dir + ": cannot create LMDB environment");
  EnvHandle env(raw);
  mdb_env_set_maxdbs(env.get(), kMaxDatabases);
  rc = mdb_env_open(env.get(), dir.c_str(), MDB_RDONLY | MDB_NOTLS | reader_lock_flags(dir), 0);
  if (rc == MDB_INVALID) return sdk::Status::corruption(file + ": damaged or truncated LMDB header");
  if (rc == MDB_VERSION_MISMATCH) {
    return sdk::Status::corruption(file + ": written by an incompatible LMDB version");
  }
  if (rc != MDB_SUCCESS) return lmdb_status(rc, dir + ": cannot open store");

  MDB_envinfo info{};
  mdb_env_info(env.get(), &info);
  ProbeResult result;
  result.map_size = info.me_mapsize;
  TxnHandle txn;
  if ((rc = begin_txn(env.get(), MDB_RDONLY, txn)) != MDB_SUCCESS) {
    return lmdb_status(rc, dir + ": cannot read store");
  }
  MDB_dbi meta = 0;
  rc = mdb_dbi_open(txn.get(), kDbMeta, 0, &meta);
  if (rc == MDB_NOTFOUND) {
    MDB_stat main_stat{};
    MDB_dbi main = 0;
    if ((rc = mdb_dbi_open(txn.get(), nullptr, 0, &main)) == MDB_SUCCESS &&
        (rc = mdb_stat(txn.get(), main, &main_stat)) == MDB_SUCCESS && main_stat.ms_entries == 0) {
      // An LMDB file with nothing in it: never initialised (the intent log comes after the layout).
      if (!exists(dir + "/" + kIntentLogFile)) return result;
      return sdk::Status::corruption(file + " holds no databases but " + kIntentLogFile +
                                     " is there: the store was emptied; restore it from a backup");
    }
    if (rc != MDB_SUCCESS) return lmdb_status(rc, file + ": damaged store");
    return sdk::Status::failed_precondition(file + ": not a slob store (no \"meta\" database)");
  }
  if (rc != MDB_SUCCESS) return lmdb_status(rc, file + ": damaged store: meta database");

  MDB_val key = to_val(kKeySchemaVersion);
  MDB_val value;
  rc = mdb_get(txn.get(), meta, &key, &value);
  if (rc == MDB_NOTFOUND) {
    return sdk::Status::failed_precondition(file + ": not a slob store (no schema version)");
  }
  if (rc != MDB_SUCCESS) return lmdb_status(rc, file + ": damaged store: schema version");
  if (value.mv_size != 4) {
    return sdk::Status::corruption(file + ": damaged store: schema version has " +
                                   std::to_string(value.mv_size) + " bytes, expected 4");
  }
  const auto* b = static_cast<const unsigned char*>(value.mv_data);
  result.schema_version = std::uint32_t{b[0]} | std::uint32_t{b[1]} << 8 |
                          std::uint32_t{b[2]} << 16 | std::uint32_t{b[3]} << 24;
  result.initialized = true;
  // A schema this build does not know is for the caller to refuse.
  if (result.schema_version < 1 || result.schema_version > kSchemaVersion) return result;

  for (const auto& [name, since] : kDatabases) {
    if (since > result.schema_version) continue;  // added by a later schema
    MDB_dbi dbi = 0;
    rc = mdb_dbi_open(txn.get(), name, 0, &dbi);
    if (rc == MDB_NOTFOUND) {
      return sdk::Status::corruption(file + ": damaged store: database \"" + name + "\" is missing");
    }
    if (rc != MDB_SUCCESS) return lmdb_status(rc, file + ": damaged store: database \"" + name + "\"");
  }
  return result;
}

}  // namespace slob::plugins::lmdb
