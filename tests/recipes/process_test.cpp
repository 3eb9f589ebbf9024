// Recipes across processes, and across libraries: cairn-recipe-contender
// processes and Curator 5.4 processes (curator/CuratorProbe.java, Debian's
// jars) contend for the same paths as this process. Each holder appends
// ENTER/EXIT lines with its fencing token to one shared file, the "resource";
// the checks read it back.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "client/fixture.h"
#include "recipes/leader_latch.h"
#include "recipes/read_write_lock.h"
#include "support/child_process.h"

namespace cairn::recipes {
namespace {

using cairn::testing::ChildProcess;
using client::ErrorCode;
using namespace cairn::client::testing;

constexpr Millis kProcessDeadline{60000};

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// One ENTER or EXIT line of the shared resource file.
struct Entry {
  std::string what;
  int64_t token = 0;
  std::string who;
};

class SharedResource {
 public:
  SharedResource()
      : path_((std::filesystem::temp_directory_path() /
               ("cairn-resource-" + std::to_string(getpid()) + "-" + std::to_string(counter_++)))
                  .string()) {
    std::filesystem::remove(path_);
  }
  ~SharedResource() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }
  std::vector<Entry> Read() const {
    std::vector<Entry> entries;
    std::ifstream in(path_);
    for (std::string line; std::getline(in, line);) {
      std::istringstream fields(line);
      Entry e;
      fields >> e.what >> e.token >> e.who;
      entries.push_back(e);
    }
    return entries;
  }
  // Appends like the contenders do.
  void Log(const std::string& what, int64_t token, const std::string& who) const {
    std::ofstream(path_, std::ios::app) << what << " " << token << " " << who << "\n";
  }

 private:
  static inline int counter_ = 0;
  std::string path_;
};

// Holders one at a time: ENTER, EXIT by the same holder, then the next, with
// strictly rising tokens. Returns the holders in order.
std::vector<std::string> CheckExclusive(const std::vector<Entry>& entries) {
  std::vector<std::string> holders;
  int64_t last_token = 0;
  for (size_t i = 0; i + 1 < entries.size(); i += 2) {
    INFO("entry " << i << ": " << entries[i].what << " " << entries[i].token << " "
                  << entries[i].who);
    CHECK(entries[i].what == "ENTER");
    CHECK(entries[i + 1].what == "EXIT");
    CHECK(entries[i + 1].who == entries[i].who);
    CHECK(entries[i].token > last_token);
    last_token = entries[i].token;
    holders.push_back(entries[i].who);
  }
  CHECK(entries.size() % 2 == 0);
  return holders;
}

std::vector<std::string> ContenderArgs(const std::string& kind, const std::string& path,
                                       int hold_ms, const std::string& log,
                                       const std::string& id = "") {
  std::string bin = Env("CAIRN_RECIPE_CONTENDER");
  if (bin.empty()) FAIL("CAIRN_RECIPE_CONTENDER is not set (run through ctest)");
  return {bin,
          Server().Hosts(),
          kind,
          path,
          std::to_string(hold_ms),
          std::to_string(kProcessDeadline.count()),
          log,
          id};
}

std::vector<std::string> CuratorArgs(const std::string& kind, const std::string& path, int hold_ms,
                                     const std::string& log, const std::string& id = "") {
  std::string dir = Env("CAIRN_CURATOR_PROBE_DIR");
  if (dir.empty() || !std::filesystem::exists(dir + "/CuratorProbe.class")) {
    FAIL(
        "the Curator probe is not built: it needs javac and Debian's libcurator-recipes-java "
        "(scripts/setup.sh installs both); CAIRN_CURATOR_PROBE_DIR='"
        << dir << "'");
  }
  return {"java",
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
          "-cp",
          dir + ":" + Env("CAIRN_CURATOR_CLASSPATH"),
          "CuratorProbe",
          Server().Hosts(),
          kind,
          path,
          std::to_string(hold_ms),
          std::to_string(kProcessDeadline.count()),
          log,
          id};
}

// Waits until `dir` has n children (a contender has queued).
bool WaitChildren(client::BlockingClient& zk, const std::string& dir, size_t n) {
  return WaitUntil(
      [&] {
        auto c = zk.GetChildren(dir);
        return c.ok() && c.value.names.size() == n;
      },
      kProcessDeadline);
}

void ExpectExit(ChildProcess& p, int code = 0) {
  auto status = p.Wait(kProcessDeadline);
  std::string out;
  for (auto& l : p.lines()) out += l + "\n";
  INFO("child " << p.pid() << " printed:\n" << out);
  REQUIRE(status.has_value());
  CHECK(*status == code);
}

TEST_CASE("processes: C++ and Curator mutex holders exclude each other, served in arrival order",
          "[recipes][curator]") {
  auto zk = Connect();
  const std::string path = TestRoot(*zk) + "/lock";
  SharedResource resource;
  Mutex holder(*zk, path);
  auto first = holder.Lock();
  REQUIRE(first.ok());
  resource.Log("ENTER", first.value.fencing_token, "here");
  // Queue up: Curator, C++ process, Curator, C++ process, each once the one
  // before has its node.
  std::vector<std::unique_ptr<ChildProcess>> queue;
  const std::vector<std::string> kinds = {"curator", "cpp", "curator", "cpp"};
  for (size_t i = 0; i < kinds.size(); ++i) {
    auto args = kinds[i] == "curator" ? CuratorArgs("mutex", path, 150, resource.path())
                                      : ContenderArgs("mutex", path, 150, resource.path());
    queue.push_back(std::make_unique<ChildProcess>(args));
    REQUIRE(WaitChildren(*zk, path, i + 2));
  }
  std::this_thread::sleep_for(kQuiet);
  CHECK(resource.Read().size() == 1);  // nobody else got in
  resource.Log("EXIT", first.value.fencing_token, "here");
  holder.Unlock();
  for (auto& p : queue) ExpectExit(*p);
  auto holders = CheckExclusive(resource.Read());
  REQUIRE(holders.size() == 5);
  for (size_t i = 0; i < kinds.size(); ++i) {
    CHECK(holders[i + 1].rfind(kinds[i] + "-", 0) == 0);
    CHECK(holders[i + 1] == kinds[i] + "-" + std::to_string(queue[i]->pid()));
  }
}

TEST_CASE("processes: Curator and C++ read-write locks share one queue", "[recipes][curator]") {
  auto zk = Connect();
  const std::string path = TestRoot(*zk) + "/rw";
  SharedResource resource;
  ReadWriteLock here(*zk, path);
  auto read = here.read_lock().Lock();
  REQUIRE(read.ok());
  // Behind our reader: a Curator writer, then a C++ reader process and a
  // Curator reader, which must wait for the writer although a reader holds.
  ChildProcess writer(CuratorArgs("write", path, 300, resource.path()));
  REQUIRE(WaitChildren(*zk, path, 2));
  ChildProcess cpp_reader(ContenderArgs("read", path, 300, resource.path()));
  REQUIRE(WaitChildren(*zk, path, 3));
  ChildProcess java_reader(CuratorArgs("read", path, 300, resource.path()));
  REQUIRE(WaitChildren(*zk, path, 4));
  std::this_thread::sleep_for(kQuiet);
  CHECK(resource.Read().empty());
  here.read_lock().Unlock();
  ExpectExit(writer);
  ExpectExit(cpp_reader);
  ExpectExit(java_reader);
  auto entries = resource.Read();
  REQUIRE(entries.size() == 6);
  std::string writer_who = "curator-" + std::to_string(writer.pid());
  CHECK(entries[0].what == "ENTER");
  CHECK(entries[0].who == writer_who);
  CHECK(entries[1].what == "EXIT");
  CHECK(entries[1].who == writer_who);
  // The two readers then hold together: both enter before either leaves.
  CHECK(entries[2].what == "ENTER");
  CHECK(entries[3].what == "ENTER");
  CHECK(entries[2].token > entries[0].token);
  CHECK(entries[3].token > entries[0].token);
}

TEST_CASE("processes: Curator LeaderLatch and Cairn's latch elect one leader between them",
          "[recipes][curator]") {
  auto zk = Connect();
  const std::string path = TestRoot(*zk) + "/election";
  SharedResource resource;
  ChildProcess java_leader(CuratorArgs("latch", path, 1500, resource.path(), "java-1"));
  REQUIRE(java_leader.WaitFor("LEADER", kProcessDeadline));
  std::atomic<int> leads{0};
  LeaderLatch here(*zk, path, {"cpp-here", [&](int64_t) { ++leads; }, nullptr});
  here.Start();
  REQUIRE(WaitChildren(*zk, path, 2));
  auto leader = here.Leader();
  REQUIRE(leader.ok());
  CHECK(leader.value.id == "java-1");
  CHECK(!here.HasLeadership());
  // Curator closes its latch after 1.5 s: we lead, with a higher term.
  REQUIRE(here.AwaitLeadership(kProcessDeadline));
  ExpectExit(java_leader);
  int64_t term = here.term();
  resource.Log("ENTER", term, "here");
  CHECK(here.Leader().value.id == "cpp-here");
  // A Curator candidate queues; we resign; it leads; when it leaves, we lead again.
  ChildProcess java_next(CuratorArgs("latch", path, 500, resource.path(), "java-2"));
  REQUIRE(WaitChildren(*zk, path, 2));
  resource.Log("EXIT", term, "here");
  here.Resign();
  REQUIRE(java_next.WaitFor("LEADER", kProcessDeadline));
  ExpectExit(java_next);
  REQUIRE(here.AwaitLeadership(kProcessDeadline));
  resource.Log("ENTER", here.term(), "here");
  resource.Log("EXIT", here.term(), "here");
  auto holders = CheckExclusive(resource.Read());
  CHECK(holders == std::vector<std::string>{"curator-" + std::to_string(java_leader.pid()), "here",
                                            "curator-" + std::to_string(java_next.pid()), "here"});
  CHECK(leads == 2);
}

TEST_CASE("processes: mutex holders in several C++ processes exclude each other", "[recipes]") {
  auto zk = Connect();
  const std::string path = TestRoot(*zk) + "/lock";
  SharedResource resource;
  std::vector<std::unique_ptr<ChildProcess>> contenders;
  for (int i = 0; i < 4; ++i) {
    contenders.push_back(
        std::make_unique<ChildProcess>(ContenderArgs("mutex", path, 50, resource.path())));
  }
  for (auto& p : contenders) ExpectExit(*p);
  auto holders = CheckExclusive(resource.Read());
  CHECK(holders.size() == 4);
}

}  // namespace
}  // namespace cairn::recipes
