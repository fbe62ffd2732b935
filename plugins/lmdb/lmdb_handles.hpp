#pragma once

// RAII for LMDB handles and the mapping of LMDB return codes onto sdk::Status.
//
// Ownership: EnvHandle closes the environment; TxnHandle aborts a transaction that was neither
// committed nor aborted; CursorHandle closes its cursor. A cursor must be destroyed before its
// transaction, so declare it after the TxnHandle in the same scope.

#include <lmdb.h>

#include <memory>
#include <string>
#include <string_view>

#include "slob/sdk/status.hpp"

namespace slob::plugins::lmdb {

struct EnvCloser {
  void operator()(MDB_env* env) const noexcept { mdb_env_close(env); }
};
struct TxnAborter {
  void operator()(MDB_txn* txn) const noexcept { mdb_txn_abort(txn); }
};
struct CursorCloser {
  void operator()(MDB_cursor* cursor) const noexcept { mdb_cursor_close(cursor); }
};

using EnvHandle = std::unique_ptr<MDB_env, EnvCloser>;
using CursorHandle = std::unique_ptr<MDB_cursor, CursorCloser>;

class TxnHandle {
 public:
  TxnHandle() = default;
  explicit TxnHandle(MDB_txn* txn) : txn_(txn) {}

  MDB_txn* get() const { return txn_.get(); }
  // Commits and gives up ownership: LMDB frees the transaction whether or not commit succeeds.
  int commit() { return mdb_txn_commit(txn_.release()); }

 private:
  std::unique_ptr<MDB_txn, TxnAborter> txn_;
};

// Begins a transaction; rc is the LMDB return code.
int begin_txn(MDB_env* env, unsigned flags, TxnHandle& out);
int open_cursor(MDB_txn* txn, MDB_dbi dbi, CursorHandle& out);

inline MDB_val to_val(std::string_view s) {
  // LMDB never writes through mv_data of an input value; the cast only satisfies its C API.
  return MDB_val{s.size(), const_cast<char*>(s.data())};
}
inline std::string_view to_view(const MDB_val& v) {
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}

// `what` names the operation and the path, e.g. "/var/lib/slob/state: commit".
sdk::Status lmdb_status(int rc, const std::string& what);

}  // namespace slob::plugins::lmdb
