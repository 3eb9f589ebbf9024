// tools/cairn-cli/commands.h: zkCli's commands on a blocking client, shared
// by the one-shot mode and the shell. Each command prints its result to
// `out` and its complaint to `err`, in zkCli's words (format.h), and returns
// an exit status: kOk, kRefused (the server answered with an error) or
// kUsage (the command line was wrong). Watch events (-w, addWatch, watch) go
// to the event sink as text, from the client's thread.
//
// Not thread-safe: one thread runs commands.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "client-lib/blocking_client.h"
#include "tools/cairn-cli/words.h"

namespace cairn::cli {

enum ExitStatus : int { kOk = 0, kRefused = 1, kUsage = 2, kNoSession = 3 };

struct CommandInfo {
  std::string name;
  std::string usage;  // zkCli's usage line
};
// Every command, sorted by name (the shell's own ones included).
const std::vector<CommandInfo>& CommandList();
// "Usage: ..." lines for help.
std::string UsageText();

using EventSink = std::function<void(const std::string& text)>;

class Commands {
 public:
  Commands(client::BlockingClient& zk, std::ostream& out, std::ostream& err, EventSink events);

  int Run(const std::vector<std::string>& words);
  // Events delivered by `watch` so far (one-shot `watch -c N` waits for N).
  uint64_t watch_events() const { return *watch_events_; }
  // The count the last `watch -c N` asked for (0: no limit).
  uint64_t watch_wanted() const { return watch_wanted_; }
  void set_print_watches(bool on) { *print_watches_ = on; }

 private:
  int Ls(const std::vector<std::string>& words);
  int Create(const std::vector<std::string>& words);
  int Get(const std::vector<std::string>& words);
  int Set(const std::vector<std::string>& words);
  int Delete(const std::vector<std::string>& words);
  int DeleteAll(const std::vector<std::string>& words);
  int Stat(const std::vector<std::string>& words);
  int Sync(const std::vector<std::string>& words);
  int GetAcl(const std::vector<std::string>& words);
  int SetAcl(const std::vector<std::string>& words);
  int AddAuth(const std::vector<std::string>& words);
  int WhoAmI(const std::vector<std::string>& words);
  int GetEphemerals(const std::vector<std::string>& words);
  int GetAllChildrenNumber(const std::vector<std::string>& words);
  int AddWatch(const std::vector<std::string>& words);
  int Watch(const std::vector<std::string>& words);
  int RemoveWatches(const std::vector<std::string>& words);
  int Version(const std::vector<std::string>& words);
  int Help(const std::vector<std::string>& words);

  int UsageOf(const std::string& command);
  int BadFlags(const Flags& f);
  // zkCli's old "cmd path watch" form: warns, and turns it into -w.
  bool OldWatchSyntax(const std::string& command, Flags* f, const std::string& now);
  // ls -R: the children of `path`, then each child's subtree (zkCli's order).
  void PrintSubtree(const std::string& path, bool watch);
  int Refused(client::ErrorCode code, const std::string& path);
  // zkCli's one-shot -w watcher: prints "WATCHER::" and the event.
  client::Watcher ShellWatcher();
  // The subtree of `path` in breadth-first order (path first), for
  // deleteall and setAcl -R.
  client::Outcome<std::vector<std::string>> Subtree(const std::string& path);

  client::BlockingClient& zk_;
  std::ostream& out_;
  std::ostream& err_;
  EventSink events_;
  uint64_t watch_wanted_ = 0;
  std::shared_ptr<std::atomic<bool>> print_watches_ = std::make_shared<std::atomic<bool>>(true);
  std::shared_ptr<std::atomic<uint64_t>> watch_events_ = std::make_shared<std::atomic<uint64_t>>(0);
};

}  // namespace cairn::cli
