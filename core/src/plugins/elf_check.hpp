#pragma once

// Is a file an ELF shared object this process can map? Asked before dlopen sees the file.
//
// dlopen trusts the headers: it maps every PT_LOAD segment at the file offsets they give, also
// past the file's end, and the first touch of such a page raises SIGBUS inside the dynamic
// linker — a truncated copy or a half-written download killed the daemon without a word.
// Reading the headers with pread and checking them against the file's size turns that into a
// refusal with a reason.
//
// Checked, in order: the ELF header (magic, 64-bit class, this host's byte order, version,
// this host's machine, type ET_DYN); that the program header table and every segment's file
// range lie within the file (what dlopen maps); that the section header table and every
// section's file range (except SHT_NOBITS, which has no bytes in the file) lie within it.
// Not checked: what dlopen checks itself without touching unmapped pages (dynamic section,
// symbols, relocations), nor whether the code is any good.
//
// Reads only (never maps the file); thread-safe.

#include <filesystem>
#include <optional>
#include <string>

namespace slob::core {

// Why `file` is not a loadable shared object ("truncated: segment 2 (LOAD) ends at byte 40960,
// the file has 4096"), or nullopt when the checks above pass. A file that cannot be opened or
// read is a reason too.
std::optional<std::string> elf_load_problem(const std::filesystem::path& file);

}  // namespace slob::core
