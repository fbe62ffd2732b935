// The plugin loader fails closed: every broken plugin is refused with a one-line reason naming
// the file (Kea's failure tests), and a library is unmapped only after everything from it is gone.

#include <catch2/catch.hpp>

#include <elf.h>
#include <sys/stat.h>

#include <cstring>
#include <fstream>

#include <boost/asio/io_context.hpp>

#include "runtime/asio_clock.hpp"
#include "plugins/plugin_loader.hpp"
#include "process.hpp"
#include "runtime/simulated_clock.hpp"

namespace fs = std::filesystem;
using slob::core::PluginLoader;
using slob::sdk::PluginKind;

namespace {

const fs::path kGood = SLOB_TEST_ONLY_PLUGIN_DIR;
const fs::path kBroken = SLOB_TEST_BROKEN_PLUGIN_DIR;

struct Loop {
  boost::asio::io_context io;
  slob::core::SimulatedClock clock;
  slob::core::AsioClock wall{io};
  slob::core::HostLoop loop{io, clock, wall, nullptr, "/tmp", "/tmp", false, {}};
};

std::string refusal(const std::string& name, PluginKind kind, const fs::path& dir = kBroken) {
  PluginLoader loader({dir}, false);
  auto lib = loader.load(name, kind);
  REQUIRE_FALSE(lib.is_ok());
  const std::string m = lib.status().message();
  CHECK(m.find('\n') == std::string::npos);
  return m;
}

slob::sdk::ConfigTable empty_table(const std::string& section) {
  slob::sdk::ConfigTable t;
  t.section = section;
  t.position = {"test.toml", 1, 1};
  return t;
}

}  // namespace

TEST_CASE("loader refusals name the file and the reason", "[loader]") {
  const std::string dir = kBroken.string();
  CHECK(refusal("nosuch", PluginKind::kBroker) ==
        "plugin \"nosuch\": libslob-nosuch.so not found in " + dir);
  CHECK(refusal("../etc", PluginKind::kBroker) ==
        "plugin name \"../etc\" is invalid (use 1 to 64 lowercase letters, digits, - and _)");
  CHECK(refusal("garbage", PluginKind::kBroker) ==
        dir + "/libslob-garbage.so: plugin refused: not a loadable shared library: no ELF "
              "header");
  CHECK(refusal("nodescriptor", PluginKind::kBroker) ==
        dir + "/libslob-nodescriptor.so: plugin refused: no slob_plugin_descriptor export (not "
              "a slob plugin?)");
  CHECK(refusal("wrongabi", PluginKind::kBroker) ==
        dir + "/libslob-wrongabi.so: plugin refused: SDK ABI version 999, this host needs 3");
  CHECK(refusal("wrongstdlib", PluginKind::kBroker) ==
        dir + "/libslob-wrongstdlib.so: plugin refused: standard library libc++, this host's is " +
            slob::sdk::kBuildInfo.stdlib + "; plugin compiled by clang-16.0, host by " +
            slob::sdk::kBuildInfo.compiler);
  CHECK(refusal("wrongkind", PluginKind::kBroker) ==
        dir + "/libslob-wrongkind.so: plugin refused: it is a strategy plugin, the broker slot "
              "needs a broker plugin");
  CHECK(refusal("wrongname", PluginKind::kBroker) ==
        dir + "/libslob-wrongname.so: plugin refused: it declares the name \"sim\", expected "
              "\"wrongname\"");
  CHECK(refusal("nofactory", PluginKind::kBroker) ==
        dir + "/libslob-nofactory.so: plugin refused: its descriptor has no factory for its kind");
  // Observers are a kind like the others: in another slot, or another plugin in theirs, refused.
  const std::string good = kGood.string();
  CHECK(refusal("testobserver", PluginKind::kStrategy, kGood) ==
        good + "/libslob-testobserver.so: plugin refused: it is an observer plugin, the strategy "
               "slot needs a strategy plugin");
  CHECK(refusal("teststrategy", PluginKind::kObserver, kGood) ==
        good + "/libslob-teststrategy.so: plugin refused: it is a strategy plugin, the observer "
               "slot needs an observer plugin");
}

TEST_CASE("a plugin of a newer SDK minor, another SDK major or the old libstdc++ ABI is refused",
          "[loader]") {
  // The test strategy, really compiled so (tests/sdk_compat.cmake); each refusal names the field
  // and both values. The expected texts follow this tree's SDK version.
  const fs::path built = fs::path(SLOB_BINARY_DIR) / "tests";
  const slob::sdk::BuildInfo& host = slob::sdk::kBuildInfo;
  const std::string major = std::to_string(host.sdk_major);
  const std::string next_minor = std::to_string(host.sdk_minor + 1);
  const std::string host_sdk = SLOB_SDK_VERSION;
  const std::string compilers =
      std::string("; plugin compiled by ") + host.compiler + ", host by " + host.compiler;
  auto refused = [&](const std::string& folder) {
    return refusal("teststrategy", PluginKind::kStrategy, built / folder);
  };
  auto prefix = [&](const std::string& folder) {
    return (built / folder / "libslob-teststrategy.so").string() + ": plugin refused: ";
  };

  CHECK(refused("plugins-sdk-next-minor") ==
        prefix("plugins-sdk-next-minor") + "built against SDK " + major + "." + next_minor +
            ".0, newer than this host's SDK " + host_sdk +
            " (a host loads plugins of its SDK minor or older)" + compilers);
  CHECK(refused("plugins-sdk-next-major") ==
        prefix("plugins-sdk-next-major") + "built against SDK " +
            std::to_string(host.sdk_major + 1) + ".0.0, this host implements SDK " + major +
            ".x (" + host_sdk + ")" + compilers);
  CHECK(refused("plugins-cxx11abi0") ==
        prefix("plugins-cxx11abi0") +
            "standard library libstdc++ (_GLIBCXX_USE_CXX11_ABI=0), this host's is libstdc++ "
            "(_GLIBCXX_USE_CXX11_ABI=1)" + compilers);
}

#ifdef SLOB_TEST_CLANG_PLUGIN_DIR
TEST_CASE("a plugin compiled by Clang loads into the GCC-built host and runs", "[loader]") {
  // The old build signature refused it ("clang-14.0;..." is not "gcc-12.2;..."), although both
  // compilers use the Itanium C++ ABI and this libstdc++.
  Loop l;
  PluginLoader loader({SLOB_TEST_CLANG_PLUGIN_DIR}, false);
  auto lib = loader.load("teststrategy", PluginKind::kStrategy);
#if defined(__SANITIZE_ADDRESS__)
  // This host is the ASan build; the Clang plugin is built plain (Clang's sanitizer runtime is
  // not GCC's, so an ASan plugin from Clang could not run in this process either). It is refused
  // for the sanitizer (the first field that differs), never for the compiler.
  REQUIRE_FALSE(lib.is_ok());
  CHECK_THAT(lib.status().message(), Catch::Contains("sanitizer none, this host's is asan"));
  return;
#endif
  REQUIRE(lib.is_ok());
  CHECK(std::string((*lib)->descriptor().build.compiler).rfind("clang-", 0) == 0);
  CHECK(std::string(slob::sdk::kBuildInfo.compiler).rfind("gcc-", 0) == 0);
  auto inst = PluginLoader::create_strategy(*lib, empty_table("strategy.config"), l.loop);
  REQUIRE(inst.is_ok());
  REQUIRE((*inst)->get().import_state("41").is_ok());
  slob::sdk::Candle candle;
  candle.close = 100;
  REQUIRE((*inst)->get().on_candle(candle).is_ok());
  CHECK(*(*inst)->get().export_state() == "42");  // std::string across the boundary, both ways
}
#endif

TEST_CASE("a truncated or foreign plugin file is refused before dlopen, with its reason",
          "[loader]") {
  // Byte surgery on a copy of a real built plugin. Before the ELF check, dlopen mapped the
  // truncated copies' missing pages and the test process died of SIGBUS.
  const std::string real = slob::test::read_file(kGood / "libslob-testbroker.so");
  REQUIRE(real.size() > 8192);
  Elf64_Ehdr eh{};
  std::memcpy(&eh, real.data(), sizeof eh);
  std::vector<Elf64_Phdr> ph(eh.e_phnum);
  std::memcpy(ph.data(), real.data() + eh.e_phoff, ph.size() * sizeof(Elf64_Phdr));
  std::uint64_t segments_end = 0;
  for (const auto& p : ph) {
    segments_end = std::max<std::uint64_t>(segments_end, p.p_offset + p.p_filesz);
  }
  const std::uint64_t headers_end = eh.e_phoff + ph.size() * sizeof(Elf64_Phdr);
  const std::uint64_t table_end = eh.e_shoff + std::uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr);
  REQUIRE(table_end == real.size());         // the linker writes the section table last
  REQUIRE(segments_end + 2 < eh.e_shoff);    // non-loaded sections (.symtab, ...) in between

  // The message for a copy cut to `size` bytes: the first segment past the end, else the table.
  auto truncated = [&](std::uint64_t size) {
    for (std::size_t i = 0; i < ph.size(); ++i) {
      if (ph[i].p_offset + ph[i].p_filesz > size) {
        REQUIRE(ph[i].p_type == PT_LOAD);  // what dlopen maps: the SIGBUS
        return "truncated: segment " + std::to_string(i) + " (LOAD) ends at byte " +
               std::to_string(ph[i].p_offset + ph[i].p_filesz) + ", the file has " +
               std::to_string(size) + " bytes";
      }
    }
    return "truncated: section header table (" + std::to_string(eh.e_shnum) +
           " entries at byte " + std::to_string(eh.e_shoff) + ") ends at byte " +
           std::to_string(table_end) + ", the file has " + std::to_string(size) + " bytes";
  };
  auto patched = [&](std::size_t offset, const void* bytes, std::size_t n) {
    std::string copy = real;
    std::memcpy(copy.data() + offset, bytes, n);
    return copy;
  };
  const unsigned char elf32 = ELFCLASS32, big = ELFDATA2MSB;
  const std::uint16_t exec = ET_EXEC;
  const bool on_arm = eh.e_machine == EM_AARCH64;
  const std::uint16_t foreign = on_arm ? EM_X86_64 : EM_AARCH64;
  // Section 1 moved past the end of the file (a table that lies about its sections).
  Elf64_Shdr s1{};
  std::memcpy(&s1, real.data() + eh.e_shoff + sizeof(Elf64_Shdr), sizeof s1);
  REQUIRE(s1.sh_type != SHT_NOBITS);
  REQUIRE(s1.sh_size > 0);
  const std::uint64_t past = real.size();

  struct Case {
    std::string what;
    std::string bytes;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"first 4096 bytes", real.substr(0, 4096), truncated(4096)},
      {"just after the headers", real.substr(0, headers_end), truncated(headers_end)},
      {"inside the last segment", real.substr(0, segments_end - 1), truncated(segments_end - 1)},
      {"in the sections after the segments", real.substr(0, (segments_end + eh.e_shoff) / 2),
       truncated((segments_end + eh.e_shoff) / 2)},
      {"one byte short", real.substr(0, real.size() - 1), truncated(real.size() - 1)},
      {"half an ELF header", real.substr(0, 40),
       "truncated: the ELF header ends at byte 64, the file has 40 bytes"},
      {"not ELF", std::string("this is not an ELF file\n"), "no ELF header"},
      {"32-bit", patched(EI_CLASS, &elf32, 1), "a 32-bit ELF object, this host loads 64-bit"},
      {"big-endian", patched(EI_DATA, &big, 1),
       "ELF byte order big-endian differs from this host's"},
      {"foreign machine", patched(offsetof(Elf64_Ehdr, e_machine), &foreign, 2),
       on_arm ? "built for x86-64, this host is AArch64"
              : "built for AArch64, this host is x86-64"},
      {"an executable", patched(offsetof(Elf64_Ehdr, e_type), &exec, 2),
       "ELF type 2 (an executable), a plugin is a shared object"},
      {"a section past the end",
       patched(eh.e_shoff + sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_offset), &past, 8),
       "truncated: section 1 ends at byte " + std::to_string(past + s1.sh_size) +
           ", the file has " + std::to_string(real.size()) + " bytes"},
  };
  for (const Case& c : cases) {
    SECTION(c.what) {
      slob::test::TempDir dir;
      const fs::path file = dir / "libslob-testbroker.so";
      std::ofstream(file, std::ios::binary) << c.bytes;
      CHECK(refusal("testbroker", PluginKind::kBroker, dir.path()) ==
            file.string() + ": plugin refused: not a loadable shared library: " + c.reason);
    }
  }
}

TEST_CASE("a throwing factory is refused, not a crash", "[loader]") {
  Loop l;
  PluginLoader loader({kBroken}, false);
  auto lib = loader.load("throwingfactory", PluginKind::kBroker);
  REQUIRE(lib.is_ok());
  auto inst = PluginLoader::create_broker(*lib, empty_table("broker.config"), l.loop);
  REQUIRE_FALSE(inst.is_ok());
  CHECK(inst.status().message() == kBroken.string() +
                                       "/libslob-throwingfactory.so: plugin refused: its factory "
                                       "threw: cannot allocate the order book");
}

TEST_CASE("a plugin's config errors come back with positions", "[loader]") {
  Loop l;
  PluginLoader loader({kGood}, false);
  auto lib = loader.load("testbroker", PluginKind::kBroker);
  REQUIRE(lib.is_ok());
  auto table = empty_table("broker.config");
  table.values["stop_mode"] = {std::string("sometimes"), {"test.toml", 4, 13}};
  table.values["portt"] = {std::int64_t{1}, {"test.toml", 5, 1}};
  auto inst = PluginLoader::create_broker(*lib, table, l.loop);
  REQUIRE_FALSE(inst.is_ok());
  CHECK(inst.status().message() ==
        "test.toml:4:13: [broker.config] stop_mode must be normal, never or block\n"
        "test.toml:5:1: [broker.config] unknown key \"portt\"");
}

TEST_CASE("plugin files writable by group or others are refused, whatever the user", "[loader]") {
  slob::test::TempDir dir;
  const fs::path copy = dir / "libslob-testbroker.so";
  fs::copy_file(kGood / "libslob-testbroker.so", copy);
  ::chmod(dir.path().c_str(), 0755);
  ::chmod(copy.c_str(), 0666);
  PluginLoader loader({dir.path()}, /*check_files=*/true);
  auto lib = loader.load("testbroker", PluginKind::kBroker);
  REQUIRE_FALSE(lib.is_ok());
  CHECK(lib.status().message() == copy.string() + ": plugin refused: " + copy.string() +
                                      " is writable by group or others (mode 0666)");
  ::chmod(copy.c_str(), 0644);
  CHECK(loader.load("testbroker", PluginKind::kBroker).is_ok());
}

TEST_CASE("every folder above a plugin is checked, and a symlink's target with its folders",
          "[loader]") {
  // Each tree under its own 0755 folder of a fresh scratch directory; /tmp above it is sticky.
  slob::test::TempDir scratch;
  ::chmod(scratch.path().c_str(), 0755);
  auto folder = [&](const fs::path& rel, mode_t mode) {
    const fs::path p = scratch / rel.string();
    fs::create_directories(p);
    ::chmod(p.c_str(), mode);
    return p;
  };
  auto plugin_in = [&](const fs::path& dir) {
    const fs::path file = dir / "libslob-testbroker.so";
    fs::copy_file(kGood / "libslob-testbroker.so", file);
    ::chmod(file.c_str(), 0644);
    return file;
  };
  auto load = [](const fs::path& dir) {
    PluginLoader loader({dir}, /*check_files=*/true);
    return loader.load("testbroker", PluginKind::kBroker).status();
  };
  const std::string why = ": plugin refused: ";

  const fs::path safe = folder("safe", 0755);
  plugin_in(folder("safe/plugins", 0755));
  CHECK(load(safe / "plugins").is_ok());

  // A 0777 folder two levels up: anyone could rename "plugins" away and put their own there.
  const fs::path open = folder("open", 0777);
  const fs::path open_file = plugin_in(folder("open/plugins", 0755));
  CHECK(load(open / "plugins").message() ==
        open_file.string() + why + open.string() + " is writable by group or others (mode 0777)");

  // The plugin folder is safe, the symlink's target is not: the target decides.
  const fs::path drop = folder("drop", 0777);
  plugin_in(drop);
  const fs::path links = folder("links", 0755);
  fs::create_symlink(drop / "libslob-testbroker.so", links / "libslob-testbroker.so");
  CHECK(load(links).message() == (links / "libslob-testbroker.so").string() + why +
                                     drop.string() + " is writable by group or others (mode 0777)");

  // A sticky folder above is fine (nobody else can rename what is in it); as the plugin folder
  // it is not.
  const fs::path sticky = folder("sticky", 01777);
  plugin_in(folder("sticky/plugins", 0755));
  CHECK(load(sticky / "plugins").is_ok());
  const fs::path sticky_own = folder("sticky-own", 01777);
  const fs::path sticky_file = plugin_in(sticky_own);
  CHECK(load(sticky_own).message() == sticky_file.string() + why + sticky_own.string() +
                                          " is writable by group or others (mode 1777)");

  // Group-writable plugin folder.
  const fs::path group = folder("group", 0775);
  const fs::path group_file = plugin_in(group);
  CHECK(load(group).message() ==
        group_file.string() + why + group.string() + " is writable by group or others (mode 0775)");

  if (::geteuid() == 0) {  // only root can give a file away
    const fs::path given = folder("given", 0755);
    const fs::path given_file = plugin_in(given);
    REQUIRE(::chown(given_file.c_str(), 4242, 4242) == 0);
    CHECK(load(given).message() == given_file.string() + why + given_file.string() +
                                       " is owned by uid 4242, not by root");
  }
}

TEST_CASE("a library stays mapped until its objects and pending handlers are gone", "[loader]") {
  const fs::path file = kGood / "libslob-teststrategy.so";
  REQUIRE_FALSE(slob::core::is_mapped(file));
  Loop l;
  {
    PluginLoader loader({kGood}, false);
    auto lib = loader.load("teststrategy", PluginKind::kStrategy);
    REQUIRE(lib.is_ok());
    auto inst = PluginLoader::create_strategy(*lib, empty_table("strategy.config"), l.loop);
    REQUIRE(inst.is_ok());
    lib = slob::sdk::Status::not_found("dropped");  // only the instance holds the library now
    CHECK(slob::core::is_mapped(file));
    CHECK((*inst)->version() == "0.1.0-test");
    inst = slob::sdk::Status::not_found("destroyed");
  }
  CHECK_FALSE(slob::core::is_mapped(file));
}

TEST_CASE("two versions load side by side, each unloads when its last object goes", "[loader]") {
  const fs::path file = kGood / "libslob-teststrategy.so";
  Loop l;
  PluginLoader loader({kGood}, false);
  auto a = loader.load("teststrategy", PluginKind::kStrategy);
  auto b = loader.load("teststrategy", PluginKind::kStrategy);
  REQUIRE(a.is_ok());
  REQUIRE(b.is_ok());
  CHECK(&(*a)->descriptor() != &(*b)->descriptor());  // two mappings, not one shared
  auto ia = PluginLoader::create_strategy(*a, empty_table("strategy.config"), l.loop);
  auto ib = PluginLoader::create_strategy(*b, empty_table("strategy.config"), l.loop);
  REQUIRE(ia.is_ok());
  REQUIRE(ib.is_ok());
  REQUIRE((*ia)->get().import_state("41").is_ok());
  CHECK(*(*ib)->get().export_state() == "0");  // separate state: separate code and data
  a = slob::sdk::Status::not_found("x");
  ia = slob::sdk::Status::not_found("x");
  CHECK(*(*ib)->get().export_state() == "0");
  b = slob::sdk::Status::not_found("x");
  ib = slob::sdk::Status::not_found("x");
  CHECK_FALSE(slob::core::is_mapped(file));
}
