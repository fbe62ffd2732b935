#include "store_probe.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "lmdb_handles.hpp"
#include "schema.hpp"

namespace slob::plugins::lmdb {

namespace {

// LMDB's meta page starts with a 16-byte page header followed by the magic 0xBEEFC0DE.
bool has_lmdb_magic(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  char buf[20] = {};
  if (!in.read(buf, sizeof buf)) return false;
  const unsigned char magic[4] = {0xde, 0xc0, 0xef, 0xbe};
  return std::memcmp(buf + 16, magic, 4) == 0;
}

sdk::Status check_database(MDB_txn* txn, const std::string& dir, const char* name) {
  MDB_dbi dbi = 0;
  int rc = mdb_dbi_open(txn, name, 0, &dbi);
  if (rc == MDB_NOTFOUND) {
    return sdk::Status::corruption(dir + ": damaged store: database \"" + name + "\" is missing");
  }
  if (rc != MDB_SUCCESS) return lmdb_status(rc, dir + ": damaged store: database \"" + name + "\"");
  CursorHandle cursor;
  if ((rc = open_cursor(txn, dbi, cursor)) != MDB_SUCCESS) {
    return lmdb_status(rc, dir + ": database \"" + std::string(name) + "\"");
  }
  for (MDB_cursor_op op : {MDB_FIRST, MDB_LAST}) {
    MDB_val key, value;
    rc = mdb_cursor_get(cursor.get(), &key, &value, op);
    if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) {
      return sdk::Status::corruption(dir + ": damaged store: database \"" + name +
                                     "\": " + mdb_strerror(rc));
    }
  }
  return sdk::Status::ok();
}

}  // namespace

sdk::Result<ProbeResult> probe_store(const std::string& dir) {
  const std::string file = dir + "/" + kDataFile;
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    if (errno == ENOENT) return ProbeResult{};
    return sdk::Status::io_error(file + ": cannot stat: " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return sdk::Status::corruption(file + ": not a regular file");
  if (st.st_size == 0) return ProbeResult{};

  MDB_env* raw = nullptr;
  int rc = mdb_env_create(&raw);
  if (rc != MDB_SUCCESS) return lmdb_status(rc, dir + ": cannot create LMDB environment");
  EnvHandle env(raw);
  mdb_env_set_maxdbs(env.get(), kMaxDatabases);
  rc = mdb_env_open(env.get(), dir.c_str(), MDB_RDONLY | MDB_NOTLS, 0);
  if (rc == MDB_INVALID) {
    return sdk::Status::corruption(has_lmdb_magic(file)
                                       ? file + ": damaged or truncated LMDB header"
                                       : file + ": not an LMDB file");
  }
  if (rc == MDB_VERSION_MISMATCH) {
    return sdk::Status::corruption(file + ": written by an incompatible LMDB version");
  }
  if (rc != MDB_SUCCESS) return lmdb_status(rc, dir + ": cannot open store");

  MDB_envinfo info{};
  MDB_stat env_stat{};
  mdb_env_info(env.get(), &info);
  mdb_env_stat(env.get(), &env_stat);
  const std::uint64_t needed = (static_cast<std::uint64_t>(info.me_last_pgno) + 1) * env_stat.ms_psize;
  if (static_cast<std::uint64_t>(st.st_size) < needed) {
    return sdk::Status::corruption(file + ": truncated: the file has " +
                                   std::to_string(st.st_size) + " bytes, its pages need " +
                                   std::to_string(needed));
  }

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
      return result;  // an LMDB file with nothing in it: never initialised
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
  // Schemas 1 to 3 name the same databases; anything else is for the caller to refuse.
  if (result.schema_version < 1 || result.schema_version > kSchemaVersion) return result;

  for (const char* name : kDatabases) {
    if (auto s = check_database(txn.get(), file, name); !s) return s;
  }
  return result;
}

}  // namespace slob::plugins::lmdb
