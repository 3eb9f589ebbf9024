// cairn-recipe-contender: one contender in its own process, for the recipe
// tests' multi-process cases. It speaks the same arguments and output lines
// as the Curator probe (curator/CuratorProbe.java), so a test can mix them:
//
//   cairn-recipe-contender CONNECT KIND PATH HOLD_MS TIMEOUT_MS LOG_FILE [ID]
//   KIND: mutex | read | write (take the lock, hold it HOLD_MS, release)
//         latch (join the election, lead HOLD_MS, leave)
//
// stdout: "ACQUIRED <node> <token>" / "RELEASED <node>", or "LEADER <token>" /
// "CLOSED"; "TIMEOUT" (exit 2) if not acquired in TIMEOUT_MS; exit 1 on error.
// LOG_FILE gets "ENTER <token> <who>" and "EXIT <token> <who>" lines, each
// one append-mode write, around the hold.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "client-lib/blocking_client.h"
#include "recipes/leader_latch.h"
#include "recipes/read_write_lock.h"

namespace {

using cairn::client::BlockingClient;

void Log(const std::string& file, const std::string& what, int64_t token) {
  std::string line = what + " " + std::to_string(token) + " cpp-" + std::to_string(getpid()) + "\n";
  int fd = open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644);
  if (fd < 0) return;
  [[maybe_unused]] auto n = write(fd, line.data(), line.size());
  close(fd);
}

void Say(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

int HoldLock(cairn::recipes::Mutex& lock, int hold_ms, int timeout_ms, const std::string& log) {
  auto held = lock.TryLock(std::chrono::milliseconds(timeout_ms));
  if (held.code == cairn::client::ErrorCode::kOperationTimeout) {
    Say("TIMEOUT");
    return 2;
  }
  if (!held.ok()) {
    std::fprintf(stderr, "lock failed: %s\n", cairn::proto::ErrorCodeName(held.code));
    return 1;
  }
  Log(log, "ENTER", held.value.fencing_token);
  Say("ACQUIRED " + held.value.node + " " + std::to_string(held.value.fencing_token));
  std::this_thread::sleep_for(std::chrono::milliseconds(hold_ms));
  Log(log, "EXIT", held.value.fencing_token);
  lock.Unlock();
  Say("RELEASED " + held.value.node);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7) {
    std::fprintf(stderr, "usage: %s CONNECT KIND PATH HOLD_MS TIMEOUT_MS LOG_FILE [ID]\n", argv[0]);
    return 1;
  }
  const std::string kind = argv[2], path = argv[3], log = argv[6];
  const int hold_ms = std::stoi(argv[4]), timeout_ms = std::stoi(argv[5]);
  const std::string id = argc > 7 ? argv[7] : "";
  cairn::client::ClientOptions options;
  options.connect_string = argv[1];
  auto zk = BlockingClient::Connect(options);
  if (!zk) {
    std::fprintf(stderr, "connect: %s\n", zk.error().ToString().c_str());
    return 1;
  }
  BlockingClient& client = *zk.value();
  if (kind == "mutex") {
    cairn::recipes::Mutex lock(client, path, id);
    return HoldLock(lock, hold_ms, timeout_ms, log);
  }
  if (kind == "read" || kind == "write") {
    cairn::recipes::ReadWriteLock rw(client, path, id);
    return HoldLock(kind == "read" ? rw.read_lock() : rw.write_lock(), hold_ms, timeout_ms, log);
  }
  if (kind == "latch") {
    cairn::recipes::LeaderLatch latch(client, path, {id, nullptr, nullptr});
    latch.Start();
    if (!latch.AwaitLeadership(std::chrono::milliseconds(timeout_ms))) {
      Say("TIMEOUT");
      return 2;
    }
    int64_t term = latch.term();
    Log(log, "ENTER", term);
    Say("LEADER " + std::to_string(term));
    std::this_thread::sleep_for(std::chrono::milliseconds(hold_ms));
    Log(log, "EXIT", term);
    latch.Close();
    Say("CLOSED");
    return 0;
  }
  std::fprintf(stderr, "unknown kind %s\n", kind.c_str());
  return 1;
}
