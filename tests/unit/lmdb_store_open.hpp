#pragma once

// Opening an LmdbStore directly (not through the plugin factory) in the lmdb unit tests: a
// config for a directory, and an open that must succeed (the refusal is printed when not).

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "lmdb_store.hpp"
#include "test_host_services.hpp"

namespace slob::test::lmdb {

inline plugins::lmdb::StoreConfig config_for(const std::string& path, bool read_only = false,
                                             plugins::lmdb::SyncMode sync = plugins::lmdb::SyncMode::kFull) {
  plugins::lmdb::StoreConfig c;
  c.path = path;
  c.read_only = read_only;
  c.sync = sync;
  return c;
}

inline std::unique_ptr<plugins::lmdb::LmdbStore> open_ok(TestHostServices& host,
                                                         const plugins::lmdb::StoreConfig& c) {
  auto s = plugins::lmdb::LmdbStore::open(host, c);
  INFO(s.status().message());
  REQUIRE(s.is_ok());
  return std::move(*s);
}

}  // namespace slob::test::lmdb
