// journal-capture: runs a program as systemd would with its stderr connected to the journal, and
// records what it sends to journald — without systemd. For the logging tests (must run as root).
//
//   journal-capture [--no-socket] [--other-stream] ENTRIES -- PROGRAM [ARG...]
//
// In a private mount namespace a fresh tmpfs covers /run (nothing of the machine's journal is
// reachable, nothing is left behind) and a datagram socket is bound at
// /run/systemd/journal/socket, the fixed path libsystemd sends to. PROGRAM runs with this
// process's stderr and JOURNAL_STREAM set to its "<dev>:<ino>", as systemd sets it. Each entry
// PROGRAM sends is decoded (journald's native protocol: "KEY=value\n", or "KEY\n" + 64-bit
// little-endian length + value + "\n" for values with newlines; a large entry comes as a memfd
// passed with SCM_RIGHTS) and appended to ENTRIES as one JSON object per line.
//   --no-socket     nothing is bound at the path (the journal is not there)
//   --other-stream  JOURNAL_STREAM names ENTRIES instead of stderr (an inherited variable)
// SIGTERM, SIGINT, SIGHUP, SIGUSR1 and SIGUSR2 are passed on to PROGRAM, which dies with this
// process. Exits with PROGRAM's exit code (128 + signal when it was killed), 125 when the
// namespace, the socket or the fork fails (the reason on stderr).

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

volatile pid_t child = -1;

void forward(int sig) {
  if (child > 0) ::kill(child, sig);
}

int fail(const std::string& what) {
  std::fprintf(stderr, "journal-capture: %s: %s\n", what.c_str(), std::strerror(errno));
  return 125;
}

// One native-protocol entry as a JSON object (field → value); malformed input ends the decoding.
nlohmann::json decode(const std::string& data) {
  nlohmann::json entry = nlohmann::json::object();
  std::size_t at = 0;
  while (at < data.size()) {
    const auto eol = data.find('\n', at);
    if (eol == std::string::npos) break;
    const std::string line = data.substr(at, eol - at);
    if (const auto eq = line.find('='); eq != std::string::npos) {
      entry[line.substr(0, eq)] = line.substr(eq + 1);
      at = eol + 1;
      continue;
    }
    if (eol + 1 + 8 > data.size()) break;
    std::uint64_t size = 0;
    for (int i = 7; i >= 0; --i) size = (size << 8) | static_cast<unsigned char>(data[eol + 1 + i]);
    const std::size_t value_at = eol + 1 + 8;
    if (value_at + size + 1 > data.size()) break;
    entry[line] = data.substr(value_at, size);
    at = value_at + size + 1;
  }
  return entry;
}

// Receives every datagram waiting on `sock` and appends its entry to `out`.
void drain(int sock, std::ofstream& out) {
  for (;;) {
    std::vector<char> buf(1 << 20);
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    iovec iov{buf.data(), buf.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = ::recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0) return;
    std::string data(buf.data(), static_cast<std::size_t>(n));
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      int fd;
      std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
      data.clear();
      char chunk[65536];
      for (off_t off = 0;;) {
        const ssize_t r = ::pread(fd, chunk, sizeof chunk, off);
        if (r <= 0) break;
        data.append(chunk, static_cast<std::size_t>(r));
        off += r;
      }
      ::close(fd);
    }
    out << decode(data).dump() << "\n" << std::flush;
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool socket_wanted = true;
  bool other_stream = false;
  int i = 1;
  for (; i < argc && argv[i][0] == '-' && std::strcmp(argv[i], "--") != 0; ++i) {
    if (std::strcmp(argv[i], "--no-socket") == 0) socket_wanted = false;
    else if (std::strcmp(argv[i], "--other-stream") == 0) other_stream = true;
    else {
      std::fprintf(stderr, "journal-capture: unknown option %s\n", argv[i]);
      return 125;
    }
  }
  if (i + 2 >= argc || std::strcmp(argv[i + 1], "--") != 0) {
    std::fprintf(stderr, "usage: journal-capture [--no-socket] [--other-stream] ENTRIES -- PROGRAM [ARG...]\n");
    return 125;
  }
  const std::string entries_path = argv[i];
  char** program = argv + i + 2;
  std::ofstream entries(entries_path, std::ios::trunc);

  if (::unshare(CLONE_NEWNS) != 0) return fail("unshare(CLONE_NEWNS) (root needed)");
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return fail("mount --make-rprivate /");
  if (::mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0) return fail("mount tmpfs /run");
  std::error_code ec;
  std::filesystem::create_directories("/run/systemd/journal", ec);
  int sock = -1;
  if (socket_wanted) {
    sock = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", "/run/systemd/journal/socket");
    if (sock < 0 || ::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      return fail("bind /run/systemd/journal/socket");
  }
  struct stat st {};
  if ((other_stream ? ::stat(entries_path.c_str(), &st) : ::fstat(STDERR_FILENO, &st)) != 0) return fail("stat");
  const std::string stream = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  ::setenv("JOURNAL_STREAM", stream.c_str(), 1);

  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2}) {
    struct sigaction sa {};
    sa.sa_handler = forward;
    ::sigaction(sig, &sa, nullptr);
  }
  const pid_t pid = ::fork();
  if (pid < 0) return fail("fork");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::execv(program[0], program);
    ::_exit(127);
  }
  child = pid;
  int status = 0;
  for (;;) {
    if (sock >= 0) {
      pollfd p{sock, POLLIN, 0};
      ::poll(&p, 1, 50);
      drain(sock, entries);
    }
    const pid_t done = ::waitpid(pid, &status, sock >= 0 ? WNOHANG : 0);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return fail("waitpid");
  }
  if (sock >= 0) drain(sock, entries);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
