#pragma once

// tools/ib-gateway-sim as a child process for integration tests: started on ephemeral loopback
// ports (read back from its --port-file), driven through its control port, and observed through
// its inbound-message log. It dies with the test (parent-death signal) and the destructor stops
// it by PID and reaps it.
//
// Threading: one test thread. control() blocks until the simulator answers (it answers at once).

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace slob::test {

class GatewaySim {
 public:
  // `binary` is the simulator; `extra_args` follow the defaults (later options win), so a test
  // can override --bar-interval-ms or --next-valid-id.
  GatewaySim(std::string binary, std::vector<std::string> extra_args = {}) {
    static int counter = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("slob-gwsim-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    const std::string port_file = (dir_ / "ports").string();
    log_path_ = (dir_ / "inbound.log").string();
    std::vector<std::string> args = {std::move(binary), "--port-file", port_file, "--log", log_path_,
                                     "--bar-interval-ms", "100", "--next-valid-id", "100"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      // If the test process dies, so does the simulator.
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      const int devnull = ::open("/dev/null", O_WRONLY);
      if (devnull >= 0) ::dup2(devnull, 1);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    // A loaded machine under ASan can take a while to start a process.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(port_file);
      std::string a, c;
      if (in >> a >> c && a.rfind("api=", 0) == 0 && c.rfind("control=", 0) == 0) {
        api_port_ = std::stoi(a.substr(4));
        control_port_ = std::stoi(c.substr(8));
        return;
      }
      ::usleep(10000);  // waiting for a child process to start, not for the code under test
    }
  }
  ~GatewaySim() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      for (int i = 0; i < 200 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i) ::usleep(10000);
      if (::waitpid(pid_, &status, WNOHANG) == 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
      }
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  GatewaySim(const GatewaySim&) = delete;
  GatewaySim& operator=(const GatewaySim&) = delete;

  bool started() const { return api_port_ > 0; }
  int api_port() const { return api_port_; }
  const std::string& log_path() const { return log_path_; }

  // One control command, blocking (the simulator answers at once).
  std::string control(const std::string& command) const {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(control_port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      return "error cannot connect";
    }
    const std::string line = command + "\n";
    if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
      ::close(fd);
      return "error write";
    }
    std::string reply;
    char c;
    while (::read(fd, &c, 1) == 1 && c != '\n') reply.push_back(c);
    ::close(fd);
    return reply;
  }

  // Every line of the inbound log: messages (fields joined by '|') and '#' notes, in order.
  std::vector<std::string> log_lines() const {
    std::vector<std::string> out;
    std::ifstream in(log_path_);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

  // Inbound messages whose id is `id`, each split into fields (notes skipped).
  std::vector<std::vector<std::string>> inbound(const std::string& id) const {
    std::vector<std::vector<std::string>> out;
    for (const std::string& line : log_lines()) {
      if (line.empty() || line[0] == '#') continue;
      auto fields = split(line);
      if (fields[0] == id) out.push_back(std::move(fields));
    }
    return out;
  }

  // A logged message line split into its fields ('\|' is an escaped '|').
  static std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> fields;
    std::string cur;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
        cur.push_back('|');
        ++i;
      } else if (line[i] == '|') {
        fields.push_back(cur);
        cur.clear();
      } else {
        cur.push_back(line[i]);
      }
    }
    fields.push_back(cur);
    return fields;
  }

 private:
  std::filesystem::path dir_;
  std::string log_path_;
  pid_t pid_ = -1;
  int api_port_ = 0;
  int control_port_ = 0;
};

}  // namespace slob::test
