// Plugin secrets from files (plugins/secret_file): read_secret_file()'s rules, and the
// `x` / `x_file` pair read_secret() reads for the webhook, telegram and email plugins.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

#include "secret_file.hpp"
#include "temp_dir.hpp"

using slob::plugins::read_secret;
using slob::plugins::read_secret_file;
using slob::test::TempDir;
namespace sdk = slob::sdk;

namespace {

void write(const std::filesystem::path& p, const std::string& text, mode_t mode = 0600) {
  std::ofstream(p, std::ios::binary) << text;
  REQUIRE(::chmod(p.c_str(), mode) == 0);
}

// [observer.config] at line 10 of alerts.toml, one key per line from line 11.
sdk::ConfigTable table_of(const std::vector<std::pair<std::string, std::string>>& values) {
  sdk::ConfigTable t;
  t.section = "observer.config";
  t.position = {"alerts.toml", 10, 1};
  int line = 11;
  for (const auto& [key, value] : values) {
    t.values[key] = sdk::ConfigValue{value, {"alerts.toml", line, 9}, {"alerts.toml", line, 1}};
    ++line;
  }
  return t;
}

}  // namespace

TEST_CASE("secret file: the first line without its line end, refusals name the file") {
  TempDir dir;
  const auto path = dir / "smtp-password";
  SECTION("LF") {
    write(path, "s3cret pass\nsecond line\n");
    CHECK(*read_secret_file(path) == "s3cret pass");
  }
  SECTION("CRLF, no trailing line end, group-readable (root:slob 0640)") {
    write(path, "s3cret\r\n", 0640);
    CHECK(*read_secret_file(path) == "s3cret");
    write(path, "s3cret", 0440);
    CHECK(*read_secret_file(path) == "s3cret");
  }
  SECTION("readable by others") {
    write(path, "s3cret\n", 0644);
    CHECK(read_secret_file(path).status().message() ==
          "secret file " + path.string() +
              ": readable by all users (mode 0644); remove that with chmod o-r");
  }
  SECTION("missing") {
    CHECK(read_secret_file(path).status().message() ==
          "secret file " + path.string() + ": cannot read: No such file or directory");
  }
  SECTION("not a regular file") {
    CHECK(read_secret_file(dir.path()).status().message() ==
          "secret file " + dir.path().string() + ": not a regular file");
  }
  SECTION("empty first line") {
    write(path, "\nsecret\n");
    CHECK(read_secret_file(path).status().message() ==
          "secret file " + path.string() + ": the first line is empty");
  }
}

TEST_CASE("secret pair: the value or the file relative to the config's folder, errors at the key") {
  TempDir dir;
  write(dir / "smtp-password", "from-file\n");
  const auto read = [&](const sdk::ConfigTable& t, bool required) {
    sdk::ConfigReader reader(t);
    auto secret = read_secret(reader, "password", dir.path().string(), required);
    return std::make_pair(secret, reader.finish());
  };

  auto [inline_value, ok] = read(table_of({{"password", "s3cret"}}), true);
  CHECK(inline_value == "s3cret");
  CHECK(ok.is_ok());
  auto [from_file, ok2] = read(table_of({{"password_file", "smtp-password"}}), true);
  CHECK(from_file == "from-file");
  CHECK(ok2.is_ok());
  auto [absent, ok3] = read(table_of({}), false);
  CHECK_FALSE(absent.has_value());
  CHECK(ok3.is_ok());

  CHECK(read(table_of({}), true).second.message() ==
        "alerts.toml:10:1: [observer.config] password or password_file is required");
  CHECK(read(table_of({{"password", "s3cret"}, {"password_file", "smtp-password"}}), true)
            .second.message() ==
        "alerts.toml:12:9: [observer.config] set password or password_file, not both");
  CHECK(read(table_of({{"password", ""}}), true).second.message() ==
        "alerts.toml:11:9: [observer.config] password must not be empty");
  CHECK(read(table_of({{"password_file", "missing"}}), true).second.message() ==
        "alerts.toml:11:9: [observer.config] password_file: secret file " + dir.sub("missing") +
            ": cannot read: No such file or directory");
}
