#include "lmdb_handles.hpp"

namespace slob::plugins::lmdb {

int begin_txn(MDB_env* env, unsigned flags, TxnHandle& out) {
  MDB_txn* txn = nullptr;
  const int rc = mdb_txn_begin(env, nullptr, flags, &txn);
  if (rc == MDB_SUCCESS) out = TxnHandle(txn);
  return rc;
}

int open_cursor(MDB_txn* txn, MDB_dbi dbi, CursorHandle& out) {
  MDB_cursor* cursor = nullptr;
  const int rc = mdb_cursor_open(txn, dbi, &cursor);
  if (rc == MDB_SUCCESS) out.reset(cursor);
  return rc;
}

sdk::Status lmdb_status(int rc, const std::string& what) {
  if (rc == MDB_SUCCESS) return sdk::Status::ok();
  std::string message = what + ": " + mdb_strerror(rc);
  switch (rc) {
    case MDB_NOTFOUND: return sdk::Status::not_found(std::move(message));
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
    case MDB_INCOMPATIBLE:
    case MDB_PANIC: return sdk::Status::corruption(std::move(message));
    case MDB_MAP_FULL:
    case MDB_TXN_FULL:
    case MDB_DBS_FULL:
    case MDB_READERS_FULL:
    case MDB_TLS_FULL:
    case MDB_CURSOR_FULL:
    case MDB_PAGE_FULL: return sdk::Status::resource_exhausted(std::move(message));
    case MDB_BAD_VALSIZE: return sdk::Status::invalid_argument(std::move(message));
    default: break;
  }
  if (rc > 0) return sdk::Status::io_error(std::move(message));  // an errno from the OS
  return sdk::Status::internal(std::move(message));
}

}  // namespace slob::plugins::lmdb
