#pragma once

// The e-mail tests' real SMTP server and certificates, shared by the transport's tests
// (email_smtp_test.cpp) and the observer plugin's (email_observer_test.cpp): smtp_receiver.py
// under Debian's /usr/bin/python3 on 127.0.0.1, and a test PKI the openssl CLI makes per run.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "process.hpp"
#include "temp_dir.hpp"

namespace slob::test::email {

// Debian's Python, which has python3-aiosmtpd (a Python first on PATH may not).
inline const std::string kPython = "/usr/bin/python3";
inline const std::string kReceiver = std::string(SLOB_SOURCE_DIR) + "/tests/support/smtp_receiver.py";

// A test CA and server certificates under it (right names, a wrong name, expired), plus one for
// the right names that no trusted CA signed. Made once per test run.
class Pki {
 public:
  static const Pki& get() {
    static const Pki pki;
    return pki;
  }
  std::string path(const std::string& name) const { return dir_.sub(name); }

 private:
  Pki() {
    const std::string good = "subjectAltName=DNS:localhost,IP:127.0.0.1";
    std::ofstream(dir_ / "good.ext") << good << "\n";
    std::ofstream(dir_ / "wrong.ext") << "subjectAltName=DNS:wrong.example,IP:192.0.2.1\n";
    const std::string ec = "ec_paramgen_curve:P-256";
    openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout", "ca.key",
             "-out", "ca.pem", "-days", "2", "-subj", "/CN=slob test CA"});
    openssl({"req", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout", "server.key", "-out",
             "server.csr", "-subj", "/CN=localhost"});
    sign("good.pem", "good.ext", "2");
    sign("wrong.pem", "wrong.ext", "2");
    sign("expired.pem", "good.ext", "-1");  // valid from now until yesterday: expired
    openssl({"req", "-x509", "-key", "server.key", "-out", "rogue.pem", "-days", "2", "-subj",
             "/CN=localhost", "-addext", good});
  }
  void sign(const std::string& out, const std::string& ext, const std::string& days) {
    openssl({"x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-days", days, "-extfile", ext, "-out", out});
  }
  void openssl(std::vector<std::string> args) {
    std::vector<std::string> argv = {"/bin/sh", "-c", "cd \"$0\" && exec openssl \"$@\"",
                                     dir_.path().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = slob::test::run(argv, dir_.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
  }
  TempDir dir_;
};

// smtp_receiver.py as a child process; killed by PID when the test ends.
class Receiver {
 public:
  explicit Receiver(const std::string& mode, const std::string& cert = "") {
    std::filesystem::create_directory(dir_ / "out");
    std::vector<std::string> argv = {kPython, kReceiver, "serve", "--mode", mode, "--out",
                                     dir_.sub("out"), "--user", "alerts", "--password", "s3cret"};
    if (!cert.empty()) {
      argv.insert(argv.end(), {"--cert", Pki::get().path(cert), "--key", Pki::get().path("server.key")});
    }
    process_ = std::make_unique<slob::test::Process>(argv, dir_ / "stdout", dir_ / "stderr",
                                         slob::test::Spawn{.die_with_parent = true});
    REQUIRE(slob::test::wait_until(
        [&] { return process_->out().find('\n') != std::string::npos || !process_->running(); }));
    const auto out = process_->out();
    INFO(process_->err());
    REQUIRE(out.rfind("port ", 0) == 0);
    port = static_cast<std::uint16_t>(std::stoi(out.substr(5)));
  }

  std::vector<std::filesystem::path> messages() const {
    std::vector<std::filesystem::path> found;
    for (const auto& e : std::filesystem::directory_iterator(dir_ / "out")) {
      if (e.path().extension() == ".json") found.push_back(e.path());
    }
    std::sort(found.begin(), found.end());
    return found;
  }
  std::string commands() const { return slob::test::read_file(dir_ / "out" / "commands.log"); }
  // The message parsed back by Python's email module, one "key: value" per line.
  std::string parsed(const std::filesystem::path& message) const {
    const auto r = slob::test::run({kPython, kReceiver, "parse", message.string()}, dir_.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
    return r.out;
  }

  std::uint16_t port = 0;

 private:
  TempDir dir_;
  std::unique_ptr<slob::test::Process> process_;
};

}  // namespace slob::test::email
