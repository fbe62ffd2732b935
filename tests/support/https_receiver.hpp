#pragma once

// A real HTTP(S) receiver for the alert transport tests: tests/support/https_receiver.py as a
// child process on 127.0.0.1 (Debian's /usr/bin/python3), and the certificates it serves, made
// per test by the openssl CLI. The binary must define SLOB_HTTPS_RECEIVER (the script's path).

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "process.hpp"
#include "temp_dir.hpp"

namespace slob::test {

inline const std::string kPython = "/usr/bin/python3";

// Runs the openssl CLI; a failure here is the test machine's, so it stops the test.
inline void openssl(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), "/usr/bin/openssl");
  const auto r = slob::test::run(args, dir.path());
  INFO(r.err);
  REQUIRE(r.code == 0);
}

// A fresh CA and the server certificates the cases need, in one temporary directory.
struct Certs {
  TempDir dir;
  std::string ca = dir.sub("ca.pem");

  Certs() {
    openssl(dir,
            {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", dir.sub("ca.key"), "-out", ca, "-days", "2", "-subj", "/CN=slob test CA"});
    signed_by_ca("good", "IP:127.0.0.1,DNS:localhost", "2");
    signed_by_ca("wrong-name", "DNS:wrong.example.com,IP:10.9.8.7", "2");
    // `-days -1` puts notAfter a day before now: OpenSSL 3.0's x509 has no -not_after.
    signed_by_ca("expired", "IP:127.0.0.1,DNS:localhost", "-1");
    openssl(dir, {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                  "-keyout", key("self-signed"), "-out", cert("self-signed"), "-days", "2", "-subj",
                  "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"});
  }
  std::string cert(const std::string& name) const { return dir.sub(name + ".pem"); }
  // The receiver's arguments to serve certificate `name` over TLS, then `more`.
  std::vector<std::string> serve(const std::string& name,
                                 std::vector<std::string> more = {}) const {
    more.insert(more.begin(), {"--cert", cert(name), "--key", key(name)});
    return more;
  }
  std::string key(const std::string& name) const { return dir.sub(name + ".key"); }

 private:
  void signed_by_ca(const std::string& name, const std::string& san, const std::string& days) {
    openssl(dir, {"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                  "-keyout", key(name), "-out", dir.sub(name + ".csr"), "-subj", "/CN=" + name});
    std::ofstream(dir / (name + ".ext")) << "subjectAltName=" << san << "\n";
    openssl(dir,
            {"x509", "-req", "-in", dir.sub(name + ".csr"), "-CA", ca, "-CAkey", dir.sub("ca.key"),
             "-set_serial", std::to_string(std::hash<std::string>{}(name) % 100000 + 2), "-days",
             days, "-extfile", dir.sub(name + ".ext"), "-out", cert(name)});
  }
};

// The receiver as a child process; `extra` picks TLS (--cert/--key), --status or --hang. Each
// one has its own files: a port read from a predecessor's output would be a closed port.
class Receiver {
 public:
  Receiver(const TempDir& dir, std::vector<std::string> extra)
      : name_("receiver-" + std::to_string(++count_)),
        record_(dir / (name_ + ".jsonl")),
        process_(with_args(std::move(extra)), dir / (name_ + ".out"), dir / (name_ + ".err"),
                 slob::test::Spawn{.die_with_parent = true}) {
    REQUIRE(process_.started());
    const bool up = slob::test::wait_until(
        [&] { return process_.out().find('\n') != std::string::npos || !process_.running(); });
    INFO(process_.err());
    REQUIRE(up);
    REQUIRE(process_.running());
    port_ = std::stoi(process_.out());
  }

  int port() const { return port_; }
  // How reasons name the receiver: the URL without its query.
  std::string peer(const std::string& scheme, const std::string& host = "127.0.0.1") const {
    return scheme + "://" + host + ":" + std::to_string(port_) + "/hook";
  }
  std::string url(const std::string& scheme, const std::string& host = "127.0.0.1") const {
    return peer(scheme, host) + "?source=slob";
  }
  // One JSON object per request the receiver read in full.
  std::vector<nlohmann::json> received() const {
    std::vector<nlohmann::json> out;
    std::istringstream lines(slob::test::read_file(record_));
    for (std::string line; std::getline(lines, line);) out.push_back(nlohmann::json::parse(line));
    return out;
  }
  std::string log() const { return process_.err(); }

 private:
  std::vector<std::string> with_args(std::vector<std::string> extra) const {
    std::vector<std::string> argv = {kPython, SLOB_HTTPS_RECEIVER, "--record", record_.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  static inline int count_ = 0;
  std::string name_;
  std::filesystem::path record_;
  Process process_;
  int port_ = 0;
};

}  // namespace slob::test
