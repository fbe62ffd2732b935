// Plugin files seen from outside: slob-host refuses a truncated plugin with one line naming it
// (exit 78, never a signal), and refuses plugin files others could change whatever user it runs
// as — the packaged unit runs it as `slob`, not root.

#include <catch2/catch.hpp>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "process.hpp"

namespace fs = std::filesystem;
using slob::test::RunResult;
using slob::test::TempDir;

namespace {

constexpr uid_t kNobody = 65534;

// What `slob-host --check` needs — the daemon, the test plugins, a config — copied under a
// world-readable scratch directory: the build tree may sit where another user cannot read
// (/root). Plugins 0644 and folders 0755, owned by the test's user: a tree that passes.
struct Tree {
  TempDir dir;
  fs::path bin = dir / "slob-host";
  fs::path plugins = dir / "plugins";
  fs::path config = dir / "slob.toml";

  Tree() {
    ::chmod(dir.path().c_str(), 0755);
    fs::copy_file(SLOB_HOST_BIN, bin);
    ::chmod(bin.c_str(), 0755);
    fs::create_directory(plugins);
    ::chmod(plugins.c_str(), 0755);
    for (const char* name : {"testbroker", "teststore", "teststrategy"}) {
      fs::copy_file(fs::path(SLOB_TEST_ONLY_PLUGIN_DIR) / plugin_file(name), plugin(name));
      ::chmod(plugin(name).c_str(), 0644);
    }
    write_config("teststrategy");
  }
  // The strategy's `plugin = "…"` is line 10, its value at column 10.
  void write_config(const std::string& strategy) const {
    std::ofstream(config) << "[host]\nstate_dir = \"state\"\nplugin_dirs = [\"" << plugins.string()
                          << "\"]\ncontrol_socket = \"slob.sock\"\n[broker]\nplugin = "
                             "\"testbroker\"\n[store]\nplugin = \"teststore\"\n[strategy]\n"
                             "plugin = \""
                          << strategy << "\"\n";
    ::chmod(config.c_str(), 0644);
  }
  static std::string plugin_file(const std::string& name) { return "libslob-" + name + ".so"; }
  fs::path plugin(const std::string& name) const { return plugins / plugin_file(name); }

  // slob-host --config <config> <extra>, as the test's user.
  RunResult host(const std::vector<std::string>& extra) const {
    std::vector<std::string> argv = {bin.string(), "--config", config.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return slob::test::run(argv, dir.path());
  }
  // slob-host --check as a user who is not root: nobody (setpriv, util-linux) when the test
  // runs as root, as in CI; the test's own user otherwise.
  RunResult check_as_non_root() const {
    if (::geteuid() != 0) return host({"--check"});
    REQUIRE(fs::exists("/usr/bin/setpriv"));
    return slob::test::run({"/usr/bin/setpriv", "--reuid=" + std::to_string(kNobody),
                            "--regid=" + std::to_string(kNobody), "--clear-groups", bin.string(),
                            "--config", config.string(), "--check"},
                           dir.path());
  }
};

// "nobody (uid 65534)", as the daemon names a user.
std::string user_text(uid_t uid) {
  const passwd* pw = ::getpwuid(uid);
  const std::string id = "uid " + std::to_string(uid);
  return pw ? std::string(pw->pw_name) + " (" + id + ")" : id;
}

}  // namespace

TEST_CASE("a truncated plugin is refused by --check and by a run with one line, not a signal",
          "[plugin-files]") {
  Tree t;
  const fs::path file = t.plugin("teststrategy");
  fs::resize_file(file, 4096);  // the first 4096 bytes of a real plugin: SIGBUS in dlopen before
  const std::string refusal =
      file.string() + ": plugin refused: not a loadable shared library: truncated: segment ";

  const RunResult check = t.host({"--check"});
  INFO(check.err);
  CHECK(check.code == 78);
  CHECK(check.err.rfind(refusal, 0) == 0);
  CHECK(check.err.find(", the file has 4096 bytes\n") != std::string::npos);
  CHECK(std::count(check.err.begin(), check.err.end(), '\n') == 1);

  const RunResult run = t.host({});
  INFO(run.err);
  CHECK(run.code == 78);
  CHECK(run.err.find(refusal) != std::string::npos);
}

TEST_CASE("as a non-root user, plugin files others can change are refused naming the file",
          "[plugin-files]") {
  Tree t;
  const fs::path file = t.plugin("teststrategy");
  const RunResult good = t.check_as_non_root();
  INFO(good.err);
  REQUIRE(good.code == 0);

  ::chmod(file.c_str(), 0664);
  const RunResult group = t.check_as_non_root();
  CHECK(group.code == 78);
  CHECK(group.err == file.string() + ": plugin refused: " + file.string() +
                         " is writable by group or others (mode 0664)\n");
  ::chmod(file.c_str(), 0644);

  if (::geteuid() == 0) {  // only root can give files away
    REQUIRE(::chown(file.c_str(), 4242, 4242) == 0);
    const RunResult other = t.check_as_non_root();
    CHECK(other.code == 78);
    CHECK(other.err == file.string() + ": plugin refused: " + file.string() +
                           " is owned by uid 4242, not by root or the daemon's user " +
                           user_text(kNobody) + "\n");
    // Owned by the daemon's own user is fine: it could replace its plugins anyway.
    REQUIRE(::chown(file.c_str(), kNobody, kNobody) == 0);
    const RunResult own = t.check_as_non_root();
    INFO(own.err);
    CHECK(own.code == 0);
  }
}

TEST_CASE("a plugin name that is invalid or names no file is reported at its FILE:LINE:COL",
          "[plugin-files]") {
  Tree t;
  t.write_config("nosuch");
  const RunResult missing = t.host({"--check"});
  CHECK(missing.code == 78);
  CHECK(missing.err == t.config.string() + ":10:10: plugin \"nosuch\": libslob-nosuch.so not " +
                           "found in " + t.plugins.string() + "\n");
  t.write_config("Test_Strategy");
  const RunResult invalid = t.host({"--check"});
  CHECK(invalid.code == 78);
  CHECK(invalid.err == t.config.string() + ":10:10: [strategy] plugin name \"Test_Strategy\" is " +
                           "invalid (use 1 to 64 lowercase letters, digits, - and _)\n");
}
