#include "plugins/elf_check.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

#include "slob/sdk/unique_fd.hpp"

namespace slob::core {
namespace {

static_assert(sizeof(void*) == 8, "plugins are 64-bit ELF objects");

#if defined(__x86_64__)
constexpr std::uint16_t kHostMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr std::uint16_t kHostMachine = EM_AARCH64;
#elif defined(__riscv)
constexpr std::uint16_t kHostMachine = EM_RISCV;
#elif defined(__powerpc64__)
constexpr std::uint16_t kHostMachine = EM_PPC64;
#elif defined(__s390x__)
constexpr std::uint16_t kHostMachine = EM_S390;
#else
#error "elf_check: add this machine's EM_ constant"
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
constexpr unsigned char kHostData = ELFDATA2LSB;
#else
constexpr unsigned char kHostData = ELFDATA2MSB;
#endif

std::string machine_name(std::uint16_t m) {
  switch (m) {
    case EM_386: return "i386";
    case EM_X86_64: return "x86-64";
    case EM_ARM: return "ARM";
    case EM_AARCH64: return "AArch64";
    case EM_RISCV: return "RISC-V";
    case EM_PPC64: return "PowerPC64";
    case EM_S390: return "S/390";
    default: return "machine " + std::to_string(m);
  }
}

std::string segment_name(std::uint32_t type) {
  switch (type) {
    case PT_LOAD: return "LOAD";
    case PT_DYNAMIC: return "DYNAMIC";
    case PT_INTERP: return "INTERP";
    case PT_NOTE: return "NOTE";
    case PT_TLS: return "TLS";
    case PT_GNU_EH_FRAME: return "GNU_EH_FRAME";
    case PT_GNU_STACK: return "GNU_STACK";
    case PT_GNU_RELRO: return "GNU_RELRO";
    default: return "type " + std::to_string(type);
  }
}

// [offset, offset + length) lies within a file of `size` bytes (no overflow).
bool within(std::uint64_t offset, std::uint64_t length, std::uint64_t size) {
  return offset <= size && length <= size - offset;
}

std::string past_end(const std::string& what, std::uint64_t offset, std::uint64_t length,
                     std::uint64_t size) {
  // offset + length may overflow: say "beyond" rather than print a wrapped number.
  const std::string end = length <= UINT64_MAX - offset
                              ? "ends at byte " + std::to_string(offset + length)
                              : "ends beyond 2^64";
  return "truncated: " + what + " " + end + ", the file has " + std::to_string(size) + " bytes";
}

// Reads exactly `length` bytes at `offset`; the caller has checked the range against the size.
bool read_at(int fd, void* out, std::size_t length, std::uint64_t offset) {
  auto* p = static_cast<char*>(out);
  while (length > 0) {
    const ssize_t n = ::pread(fd, p, length, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    length -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
  return true;
}

template <typename Header>
std::optional<std::string> read_table(int fd, std::uint64_t offset, std::uint64_t count,
                                      std::uint64_t entry_size, std::uint64_t size,
                                      const std::string& what, std::vector<Header>& out) {
  if (count == 0) return std::nullopt;
  if (entry_size != sizeof(Header)) {
    return what + " entries are " + std::to_string(entry_size) + " bytes, expected " +
           std::to_string(sizeof(Header));
  }
  if (count > size / entry_size || !within(offset, count * entry_size, size)) {
    return past_end(
        what + " (" + std::to_string(count) + " entries at byte " + std::to_string(offset) + ")",
        offset, count <= UINT64_MAX / entry_size ? count * entry_size : UINT64_MAX, size);
  }
  out.resize(count);
  if (!read_at(fd, out.data(), count * entry_size, offset)) return "cannot read the " + what;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> elf_load_problem(const std::filesystem::path& file) {
  const sdk::UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return std::string("cannot open: ") + std::strerror(errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return std::string("cannot stat: ") + std::strerror(errno);
  if (!S_ISREG(st.st_mode)) return "not a regular file";
  const auto size = static_cast<std::uint64_t>(st.st_size);

  unsigned char ident[EI_NIDENT] = {};
  if (size < SELFMAG || !read_at(fd.get(), ident, SELFMAG, 0) ||
      std::memcmp(ident, ELFMAG, SELFMAG) != 0) {
    return "no ELF header";
  }
  if (size < sizeof(Elf64_Ehdr)) {
    return past_end("the ELF header", 0, sizeof(Elf64_Ehdr), size);
  }
  Elf64_Ehdr eh{};
  if (!read_at(fd.get(), &eh, sizeof eh, 0)) return "cannot read the ELF header";
  if (eh.e_ident[EI_CLASS] != ELFCLASS64) {
    return eh.e_ident[EI_CLASS] == ELFCLASS32
               ? "a 32-bit ELF object, this host loads 64-bit"
               : "unknown ELF class " + std::to_string(eh.e_ident[EI_CLASS]);
  }
  if (eh.e_ident[EI_DATA] != kHostData) {
    return std::string("ELF byte order ") +
           (eh.e_ident[EI_DATA] == ELFDATA2MSB ? "big-endian"
            : eh.e_ident[EI_DATA] == ELFDATA2LSB ? "little-endian"
                                                 : std::to_string(eh.e_ident[EI_DATA])) +
           " differs from this host's";
  }
  if (eh.e_ident[EI_VERSION] != EV_CURRENT || eh.e_version != EV_CURRENT) {
    return "unknown ELF version " + std::to_string(eh.e_version);
  }
  if (eh.e_machine != kHostMachine) {
    return "built for " + machine_name(eh.e_machine) + ", this host is " +
           machine_name(kHostMachine);
  }
  if (eh.e_type != ET_DYN) {
    return "ELF type " + std::to_string(eh.e_type) +
           (eh.e_type == ET_EXEC  ? " (an executable)"
            : eh.e_type == ET_REL ? " (an object file)"
                                  : "") +
           ", a plugin is a shared object";
  }

  // What dlopen maps first: the program headers and every segment's bytes.
  if (eh.e_phnum == PN_XNUM) return "extended program header numbering is not supported";
  if (eh.e_phnum == 0) return "no program headers (nothing to load)";
  std::vector<Elf64_Phdr> ph;
  if (auto p = read_table(fd.get(), eh.e_phoff, eh.e_phnum, eh.e_phentsize, size,
                          "program header table", ph)) {
    return p;
  }
  for (std::size_t i = 0; i < ph.size(); ++i) {
    if (!within(ph[i].p_offset, ph[i].p_filesz, size)) {
      return past_end("segment " + std::to_string(i) + " (" + segment_name(ph[i].p_type) + ")",
                      ph[i].p_offset, ph[i].p_filesz, size);
    }
  }
  // Then the sections (the table's count lives in section 0 beyond 0xff00 sections). The
  // linker writes the table last: a file cut short anywhere after its segments ends here.
  std::uint64_t sections = eh.e_shnum;
  if (sections == 0 && eh.e_shoff != 0) {
    std::vector<Elf64_Shdr> first;
    if (auto p = read_table(fd.get(), eh.e_shoff, 1, eh.e_shentsize, size, "section header table",
                            first)) {
      return p;
    }
    sections = first[0].sh_size;
  }
  std::vector<Elf64_Shdr> sh;
  if (auto p = read_table(fd.get(), eh.e_shoff, sections, eh.e_shentsize, size,
                          "section header table", sh)) {
    return p;
  }
  for (std::size_t i = 0; i < sh.size(); ++i) {
    if (sh[i].sh_type != SHT_NOBITS && !within(sh[i].sh_offset, sh[i].sh_size, size)) {
      return past_end("section " + std::to_string(i), sh[i].sh_offset, sh[i].sh_size, size);
    }
  }
  return std::nullopt;
}

}  // namespace slob::core
