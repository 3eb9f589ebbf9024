// Runs a real Cairn server as a child process for tests, by writing a zoo.cfg into a fresh
// temp dir, fork/exec'ing $CAIRN_SERVER_BIN on a free loopback port and polling `ruok`.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace cairn::testing {

// Which server ServerProcess runs: Cairn ($CAIRN_SERVER_BIN), or Apache ZooKeeper from
// Debian's `zookeeper` package (java, /usr/share/java/zookeeper.jar), the reference that
// client tests run against too.
enum class ServerKind { kCairn, kZooKeeper };

// "cairn" or "zookeeper" from the environment variable CAIRN_TEST_SERVER (default cairn).
ServerKind TestServerKind();
const char* ServerKindName(ServerKind kind);

// How to configure the server that ServerProcess starts.
struct ServerOptions {
  ServerKind kind = ServerKind::kCairn;
  // 0 picks a free loopback port.
  int client_port = 0;
  // Nonzero: an ensemble member; written to dataDir/myid (the server.N lines go in
  // extra_config_lines).
  int my_id = 0;
  int tick_time_ms = 2000;
  bool extended_types_enabled = true;
  // Appended verbatim to zoo.cfg, one entry per line.
  std::vector<std::string> extra_config_lines;
  // Path of the server binary; empty means the environment variable CAIRN_SERVER_BIN.
  std::string binary;
  // How long Start() waits for `ruok` to answer `imok` (and, for a standalone
  // ZooKeeper, for `srvr` to show that it serves).
  std::chrono::milliseconds start_timeout{20000};
};

// A server process owned by a test. The constructor starts it and throws std::runtime_error
// (carrying the tail of the server log) if it does not come up; the destructor stops it and
// removes its directory (kept when the environment variable CAIRN_KEEP_TEST_DIRS is set).
class ServerProcess {
 public:
  explicit ServerProcess(ServerOptions options = {});
  ~ServerProcess();

  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the process if it is not running and waits until it answers `ruok`.
  void Start();
  // SIGTERM, then SIGKILL if the process has not exited within 5 s. No-op when not running.
  void Stop();
  // SIGKILL without grace. No-op when not running.
  void Kill();
  // Stop() followed by Start() on the same port and data directory.
  void Restart();

  bool Running() const { return pid_ > 0; }
  // "127.0.0.1:PORT", usable as the host string of a ZooKeeper client.
  std::string Hosts() const;
  int Port() const { return port_; }
  pid_t Pid() const { return pid_; }
  const std::string& Dir() const { return dir_; }
  std::string ConfigPath() const { return dir_ + "/zoo.cfg"; }
  std::string LogPath() const { return dir_ + "/server.log"; }
  // The last max_bytes bytes of the server log.
  std::string LogTail(size_t max_bytes = 4096) const;

 private:
  void WriteConfig() const;
  // Whether the started server takes sessions yet (see the .cpp).
  bool Serving() const;
  // Sends `signal` to the process group of the child; returns true once the child is reaped.
  bool SignalAndReap(int signal, std::chrono::milliseconds timeout);

  ServerOptions options_;
  std::string binary_;
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// Sends a four-letter word (e.g. "ruok", "srvr") to the first server of host_port
// ("127.0.0.1:PORT[,...][/chroot]") and returns everything it answers before closing the
// connection: empty when it cannot be reached, and what arrived if it does not close within 5 s.
std::string FourLetterWord(const std::string& host_port, const std::string& word);

// The value of the environment variable CAIRN_TEST_HOSTS when it is set and not empty: tests
// then use that already running server instead of starting their own.
std::optional<std::string> ExternalTestHosts();

// Returns a TCP port on 127.0.0.1 that was free a moment ago (bind port 0, then close).
int PickFreeLoopbackPort();

}  // namespace cairn::testing
