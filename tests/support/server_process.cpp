// Implements ServerProcess with fork/exec into its own process group, a deadline-bounded `ruok`
// poll, and a small non-blocking TCP client for four-letter words.
#include "support/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace cairn::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kPollInterval{10};
constexpr milliseconds kStopGrace{5000};
constexpr milliseconds kFourLetterWordTimeout{5000};
constexpr milliseconds kRuokProbeTimeout{500};

// Closes a file descriptor when it goes out of scope.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;

 private:
  int fd_;
};

int MillisLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// Parses the first "host:port" of a ZooKeeper host string; only IPv4 literals and "localhost".
bool ParseFirstHost(const std::string& host_port, sockaddr_in* address) {
  std::string first = host_port.substr(0, host_port.find(','));
  size_t chroot = first.find('/');
  if (chroot != std::string::npos) first.resize(chroot);
  size_t colon = first.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = first.substr(0, colon);
  if (host == "localhost") host = "127.0.0.1";
  int port = std::atoi(first.c_str() + colon + 1);
  if (port <= 0 || port > 65535) return false;
  std::memset(address, 0, sizeof(*address));
  address->sin_family = AF_INET;
  address->sin_port = htons(static_cast<uint16_t>(port));
  return inet_pton(AF_INET, host.c_str(), &address->sin_addr) == 1;
}

std::string FourLetterWordWithin(const std::string& host_port, const std::string& word,
                                 milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  sockaddr_in address;
  if (!ParseFirstHost(host_port, &address)) return "";
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return "";
  FdCloser closer(fd);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    if (errno != EINPROGRESS) return "";
    pollfd pfd{fd, POLLOUT, 0};
    if (poll(&pfd, 1, MillisLeft(deadline)) <= 0) return "";
    int error = 0;
    socklen_t length = sizeof(error);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) return "";
  }
  size_t sent = 0;
  while (sent < word.size()) {
    ssize_t n = send(fd, word.data() + sent, word.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return "";
    pollfd pfd{fd, POLLOUT, 0};
    if (poll(&pfd, 1, MillisLeft(deadline)) <= 0) return "";
  }
  std::string reply;
  char buffer[4096];
  while (true) {
    ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n > 0) {
      reply.append(buffer, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) break;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) break;
    int left = MillisLeft(deadline);
    if (left == 0) break;
    pollfd pfd{fd, POLLIN, 0};
    if (poll(&pfd, 1, left) <= 0) break;
  }
  return reply;
}

}  // namespace

int PickFreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  FdCloser closer(fd);
  sockaddr_in address;
  std::memset(&address, 0, sizeof(address));
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error(std::string("bind 127.0.0.1:0: ") + std::strerror(errno));
  }
  return ntohs(address.sin_port);
}

std::string FourLetterWord(const std::string& host_port, const std::string& word) {
  return FourLetterWordWithin(host_port, word, kFourLetterWordTimeout);
}

std::optional<std::string> ExternalTestHosts() {
  const char* hosts = std::getenv("CAIRN_TEST_HOSTS");
  if (hosts == nullptr || *hosts == '\0') return std::nullopt;
  return std::string(hosts);
}

ServerKind TestServerKind() {
  const char* kind = std::getenv("CAIRN_TEST_SERVER");
  if (kind != nullptr && std::string(kind) == "zookeeper") return ServerKind::kZooKeeper;
  return ServerKind::kCairn;
}

const char* ServerKindName(ServerKind kind) {
  return kind == ServerKind::kZooKeeper ? "zookeeper" : "cairn";
}

ServerProcess::ServerProcess(ServerOptions options) : options_(std::move(options)) {
  if (options_.kind == ServerKind::kZooKeeper && options_.binary.empty()) {
    options_.binary = "/usr/bin/java";
  }
  binary_ = options_.binary;
  if (binary_.empty()) {
    const char* from_env = std::getenv("CAIRN_SERVER_BIN");
    if (from_env != nullptr) binary_ = from_env;
  }
  if (binary_.empty()) {
    throw std::runtime_error("ServerProcess: CAIRN_SERVER_BIN is not set (path of the server)");
  }
  if (access(binary_.c_str(), X_OK) != 0) {
    throw std::runtime_error("ServerProcess: " + binary_ +
                             " is not executable: " + std::strerror(errno));
  }
  char dir_template[] = "/tmp/cairn-test-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) {
    throw std::runtime_error(std::string("ServerProcess: mkdtemp: ") + std::strerror(errno));
  }
  dir_ = dir_template;
  try {
    std::filesystem::create_directory(dir_ + "/data");
    port_ = options_.client_port != 0 ? options_.client_port : PickFreeLoopbackPort();
    if (options_.my_id != 0) {
      std::ofstream(dir_ + "/data/myid") << options_.my_id << "\n";
    }
    Start();
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    throw;
  }
}

ServerProcess::~ServerProcess() {
  Stop();
  if (std::getenv("CAIRN_KEEP_TEST_DIRS") == nullptr) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

std::string ServerProcess::Hosts() const { return "127.0.0.1:" + std::to_string(port_); }

std::string ServerProcess::LogTail(size_t max_bytes) const {
  std::ifstream in(LogPath(), std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  std::string log = content.str();
  if (log.size() > max_bytes) log = "..." + log.substr(log.size() - max_bytes);
  return log;
}

void ServerProcess::WriteConfig() const {
  std::ofstream out(ConfigPath(), std::ios::trunc);
  out << "tickTime=" << options_.tick_time_ms << "\n"
      << "dataDir=" << dir_ << "/data\n"
      << "clientPort=" << port_ << "\n"
      << "clientPortAddress=127.0.0.1\n"
      << "4lw.commands.whitelist=*\n"
      << "extendedTypesEnabled=" << (options_.extended_types_enabled ? "true" : "false") << "\n"
      << "superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU=\n";
  if (options_.kind == ServerKind::kZooKeeper) {
    out << "admin.enableServer=false\n"
        << "initLimit=10\nsyncLimit=5\n"
        << "maxClientCnxns=0\n";
  }
  for (const std::string& line : options_.extra_config_lines) out << line << "\n";
  out.close();
  if (!out) throw std::runtime_error("ServerProcess: cannot write " + ConfigPath());
}

void ServerProcess::Start() {
  if (Running()) return;
  WriteConfig();
  const std::string config = ConfigPath();
  const std::string log = LogPath();
  {
    std::ofstream marker(log, std::ios::app);
    marker << "=== ServerProcess: starting " << binary_ << " " << config << "\n";
  }
  // Everything the child needs is prepared before fork: only async-signal-safe calls follow.
  std::vector<std::string> args = {binary_};
  if (options_.kind == ServerKind::kZooKeeper) {
    // As the reference script runs it: Debian's jar, a small serial-GC heap, and the super
    // digest that Cairn's config sets with superDigest.
    args.insert(args.end(), {"-cp", "/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar",
                             "-Xmx256m", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
                             "-Dzookeeper.DigestAuthenticationProvider.superDigest="
                             "super:D/InIHSb7yEEbrWz8b9l71RjZJU=",
                             "org.apache.zookeeper.server.quorum.QuorumPeerMain"});
  }
  args.push_back(config);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  static const char kExecFailed[] = "ServerProcess: execv failed\n";
  pid_t pid = fork();
  if (pid < 0)
    throw std::runtime_error(std::string("ServerProcess: fork: ") + std::strerror(errno));
  if (pid == 0) {
    setpgid(0, 0);
    int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int null_fd = open("/dev/null", O_RDONLY);
    if (log_fd >= 0) {
      dup2(log_fd, STDOUT_FILENO);
      dup2(log_fd, STDERR_FILENO);
    }
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    close_range(3, ~0U, 0);
    execv(argv[0], argv.data());
    ssize_t ignored = write(STDERR_FILENO, kExecFailed, sizeof(kExecFailed) - 1);
    (void)ignored;
    _exit(127);
  }
  setpgid(pid, pid);  // Also done by the child; whichever runs first wins the race.
  pid_ = pid;

  const auto deadline = Clock::now() + options_.start_timeout;
  while (true) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      std::string how = WIFEXITED(status)
                            ? "exited with status " + std::to_string(WEXITSTATUS(status))
                            : "was killed by signal " + std::to_string(WTERMSIG(status));
      throw std::runtime_error("ServerProcess: " + binary_ + " " + how +
                               " before answering ruok; log tail:\n" + LogTail());
    }
    if (FourLetterWordWithin(Hosts(), "ruok", kRuokProbeTimeout) == "imok" && Serving()) return;
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Kill();
  throw std::runtime_error("ServerProcess: " + binary_ + " did not answer ruok on " + Hosts() +
                           " within " + std::to_string(options_.start_timeout.count()) +
                           " ms; log tail:\n" + LogTail());
}

// ZooKeeper answers ruok as soon as its port is open, while it is still
// loading its data and closing every session attempt; srvr says when it has
// started serving. Cairn serves from the moment it answers at all, and an
// ensemble member serves only once a quorum is up, which Start() of one
// member cannot wait for.
bool ServerProcess::Serving() const {
  if (options_.kind != ServerKind::kZooKeeper || options_.my_id != 0) return true;
  std::string srvr = FourLetterWordWithin(Hosts(), "srvr", kRuokProbeTimeout);
  return srvr.find("Mode: ") != std::string::npos;
}

bool ServerProcess::SignalAndReap(int signal, milliseconds timeout) {
  if (kill(-pid_, signal) != 0) kill(pid_, signal);
  const auto deadline = Clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t reaped = waitpid(pid_, &status, WNOHANG);
    if (reaped == pid_ || (reaped < 0 && errno == ECHILD)) {
      // Whatever the server left behind in its own process group goes with it.
      kill(-pid_, SIGKILL);
      pid_ = -1;
      return true;
    }
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
}

void ServerProcess::Stop() {
  if (!Running()) return;
  if (SignalAndReap(SIGTERM, kStopGrace)) return;
  Kill();
}

void ServerProcess::Kill() {
  if (!Running()) return;
  if (SignalAndReap(SIGKILL, kStopGrace)) return;
  // SIGKILL cannot be ignored; a process that outlives the grace period is stuck in the kernel.
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void ServerProcess::Restart() {
  Stop();
  Start();
}

}  // namespace cairn::testing
