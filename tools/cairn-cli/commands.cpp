#include "tools/cairn-cli/commands.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "client-lib/transaction.h"
#include "tools/cairn-cli/format.h"
#include "tools/cairn-cli/words.h"

namespace cairn::cli {

using client::CreateMode;
using client::ErrorCode;

namespace {

constexpr const char* kVersion = "cairn-cli 0.1 (ZooKeeper client protocol 3.5+)";

bool ParseInt(const std::string& text, int64_t* value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && end == text.data() + text.size();
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out + "]";
}

std::string Child(const std::string& parent, const std::string& name) {
  return (parent == "/" ? "" : parent) + "/" + name;
}

}  // namespace

const std::vector<CommandInfo>& CommandList() {
  static const std::vector<CommandInfo> commands = {
      {"addWatch",
       "addWatch [-m mode] path # optional mode is one of [PERSISTENT, "
       "PERSISTENT_RECURSIVE] - default is PERSISTENT_RECURSIVE"},
      {"addauth", "addauth scheme auth"},
      {"close", "close "},
      {"connect", "connect host:port"},
      {"create", "create [-s] [-e] [-c] [-t ttl] path [data] [acl]"},
      {"delete", "delete [-v version] path"},
      {"deleteall", "deleteall path [-b batch size]"},
      {"get", "get [-s] [-w] path"},
      {"getAcl", "getAcl [-s] path"},
      {"getAllChildrenNumber", "getAllChildrenNumber path"},
      {"getEphemerals", "getEphemerals path"},
      {"help", "help "},
      {"history", "history "},
      {"ls", "ls [-s] [-w] [-R] path"},
      {"printwatches", "printwatches on|off"},
      {"quit", "quit "},
      {"redo", "redo cmdno"},
      {"removewatches", "removewatches path [-c|-d|-a] [-l]"},
      {"set", "set [-s] [-v version] path data"},
      {"setAcl", "setAcl [-s] [-v version] [-R] path acl"},
      {"stat", "stat [-w] path"},
      {"sync", "sync path"},
      {"version", "version "},
      {"watch", "watch [-R] [-c count] path # persistent (-R: recursive); prints each event"},
      {"whoami", "whoami "},
  };
  return commands;
}

std::string UsageText() {
  std::string out = "cairn-cli -server host:port[,host:port...][/chroot] [-timeout ms] cmd args\n";
  for (const auto& c : CommandList()) out += "\t" + c.usage + "\n";
  return out;
}

Commands::Commands(client::BlockingClient& zk, std::ostream& out, std::ostream& err,
                   EventSink events)
    : zk_(zk), out_(out), err_(err), events_(std::move(events)) {}

int Commands::Run(const std::vector<std::string>& words) {
  if (words.empty()) return kOk;
  using Handler = int (Commands::*)(const std::vector<std::string>&);
  static const std::map<std::string, Handler> handlers = {
      {"ls", &Commands::Ls},
      {"create", &Commands::Create},
      {"get", &Commands::Get},
      {"set", &Commands::Set},
      {"delete", &Commands::Delete},
      {"deleteall", &Commands::DeleteAll},
      {"rmr", &Commands::DeleteAll},  // zkCli's old name
      {"stat", &Commands::Stat},
      {"sync", &Commands::Sync},
      {"getAcl", &Commands::GetAcl},
      {"setAcl", &Commands::SetAcl},
      {"addauth", &Commands::AddAuth},
      {"whoami", &Commands::WhoAmI},
      {"getEphemerals", &Commands::GetEphemerals},
      {"getAllChildrenNumber", &Commands::GetAllChildrenNumber},
      {"addWatch", &Commands::AddWatch},
      {"watch", &Commands::Watch},
      {"removewatches", &Commands::RemoveWatches},
      {"version", &Commands::Version},
      {"help", &Commands::Help},
  };
  auto it = handlers.find(words[0]);
  if (it == handlers.end()) {
    err_ << "Command not found: " << words[0] << "\n" << UsageText();
    return kUsage;
  }
  return (this->*(it->second))(words);
}

int Commands::UsageOf(const std::string& command) {
  for (const auto& c : CommandList()) {
    if (c.name == command) err_ << c.usage << "\n";
  }
  return kUsage;
}

int Commands::BadFlags(const Flags& f) {
  err_ << f.error << "\n";  // commons-cli's words, as zkCli prints them
  return kUsage;
}

bool Commands::OldWatchSyntax(const std::string& command, Flags* f, const std::string& now) {
  if (f->positional.size() < 2) return false;
  err_ << "'" << command << " path [watch]' has been deprecated. Please use '" << now
       << "' instead.\n";
  f->set.insert('w');
  f->positional.resize(1);
  return true;
}

int Commands::Refused(ErrorCode code, const std::string& path) {
  err_ << ErrorMessage(code, path) << "\n";
  return code == ErrorCode::kConnectionLoss || code == ErrorCode::kSessionExpired ? kNoSession
                                                                                  : kRefused;
}

client::Watcher Commands::ShellWatcher() {
  return [events = events_, on = print_watches_](const client::WatchEvent& e) {
    if (*on && events) events("\nWATCHER::\n\n" + FormatEvent(e) + "\n");
  };
}

client::Outcome<std::vector<std::string>> Commands::Subtree(const std::string& path) {
  std::vector<std::string> nodes = {path};
  for (size_t i = 0; i < nodes.size(); ++i) {
    auto children = zk_.GetChildren(nodes[i]);
    if (children.code == ErrorCode::kNoNode && i > 0) continue;  // went meanwhile
    if (!children.ok()) return {children.code, {}};
    std::sort(children.value.names.begin(), children.value.names.end());
    for (const auto& name : children.value.names) nodes.push_back(Child(nodes[i], name));
  }
  return {ErrorCode::kOk, std::move(nodes)};
}

int Commands::Ls(const std::vector<std::string>& words) {
  Flags f = ParseFlags(words, "swR", "");
  if (!f.error.empty()) return BadFlags(f);
  if (f.positional.empty()) return UsageOf("ls");
  OldWatchSyntax("ls", &f, "ls [-w] path");
  const std::string& path = f.positional[0];
  if (f.has('R')) {
    // zkCli's visitSubTreeDFS order: the node, its sorted children, then
    // each child's subtree the same way.
    auto root = zk_.GetData(path, f.has('w') ? ShellWatcher() : nullptr);
    if (!root.ok()) return Refused(root.code, path);
    out_ << path << "\n";
    PrintSubtree(path, f.has('w'));
    return kOk;
  }
  auto children = zk_.GetChildren(path, f.has('w') ? ShellWatcher() : nullptr);
  if (!children.ok()) return Refused(children.code, path);
  std::sort(children.value.names.begin(), children.value.names.end());
  out_ << JoinList(children.value.names) << "\n";
  if (f.has('s')) out_ << FormatStat(children.value.stat);
  return kOk;
}

void Commands::PrintSubtree(const std::string& path, bool watch) {
  auto children = zk_.GetChildren(path, watch ? ShellWatcher() : nullptr);
  if (!children.ok()) return;  // deleted meanwhile
  std::sort(children.value.names.begin(), children.value.names.end());
  for (const auto& name : children.value.names) out_ << Child(path, name) << "\n";
  for (const auto& name : children.value.names) PrintSubtree(Child(path, name), watch);
}

int Commands::Create(const std::vector<std::string>& words) {
  Flags f = ParseFlags(words, "sec", "t");
  if (!f.error.empty()) return BadFlags(f);
  if (f.positional.empty()) return UsageOf("create");
  const std::string& path = f.positional[0];
  client::CreateOptions options;
  bool seq = f.has('s'), eph = f.has('e'), container = f.has('c'), ttl = f.has('t');
  // zkCli's checks, in its order and words.
  if (container && (seq || eph)) {
    err_ << "-c cannot be combined with -s or -e. Containers cannot be ephemeral or "
            "sequential.\n";
    return kUsage;
  }
  if (ttl && !ParseInt(f.value['t'], &options.ttl_ms)) {
    err_ << "-t argument must be a long value\n";
    return kUsage;
  }
  if (ttl && eph) {
    err_ << "TTLs cannot be used with Ephemeral znodes\n";
    return kUsage;
  }
  if (ttl && container) {
    err_ << "TTLs cannot be used with Container znodes\n";
    return kUsage;
  }
  constexpr int64_t kMaxTtlMs = 0xFFFFFFFFFFLL;  // 40 bits, as EphemeralType allows
  if (ttl && (options.ttl_ms <= 0 || options.ttl_ms > kMaxTtlMs)) {
    err_ << "ttl must be positive and cannot be larger than: " << kMaxTtlMs << "\n";
    return kUsage;
  }
  if (container) {
    options.mode = CreateMode::kContainer;
  } else if (ttl) {
    options.mode = seq ? CreateMode::kPersistentSequentialWithTtl : CreateMode::kPersistentWithTtl;
  } else {
    options.mode = eph ? (seq ? CreateMode::kEphemeralSequential : CreateMode::kEphemeral)
                       : (seq ? CreateMode::kPersistentSequential : CreateMode::kPersistent);
  }
  if (f.positional.size() > 2) {
    std::string warnings;
    options.acl = ParseAcl(f.positional[2], &warnings);
    err_ << warnings;
  }
  auto made = zk_.Create(path, f.positional.size() > 1 ? f.positional[1] : "", options);
  if (!made.ok()) return Refused(made.code, path);
  err_ << "Created " << made.value.path << "\n";  // zkCli prints it on stderr
  return kOk;
}

int Commands::Get(const std::vector<std::string>& words) {
  Flags f = ParseFlags(words, "sw", "");
  if (!f.error.empty()) return BadFlags(f);
  if (f.positional.empty()) return UsageOf("get");
  OldWatchSyntax("get", &f, "get [-s] [-w] path");
  const std::string& path = f.positional[0];
  auto data = zk_.GetData(path, f.has('w') ? ShellWatcher() : nullptr);
  if (!data.ok()) return Refused(data.code, path);
  out_ << SafeData(data.value.data) << "\n";
  if (f.has('s')) out_ << FormatStat(data.value.stat);
  return kOk;
}

int Commands::Set(const std::vector<std::string>& words) {
  Flags f = ParseFlags(words, "s", "v");
  if (!f.error.empty()) return BadFlags(f);
  if (f.positional.size() < 2) return UsageOf("set");
  int64_t version = -1;
  if (f.has('v') && !ParseInt(f.value['v'], &version)) return UsageOf("set");
  auto stat = zk_.SetData(f.positional[0], f.positional[1], static_cast<int32_t>(version));
  if (!stat.ok()) return Refused(stat.code, f.positional[0]);
  if (f.has('s')) out_ << FormatStat(stat.value);
  return kOk;
}

int Commands::Delete(const std::vector<std::string>& words) {
  Flags f = ParseFlags(words, "", "v");
  if (!f.error.empty()) return BadFlags(f);
  if (f.positional.empty()) return UsageOf("delete");
  if (f.positional.size() > 1) {  // the old form; zkCli ignores the version too
    err_ << "'delete path [version]' has been deprecated. Please use 'delete [-v version] path' "
            "instead.\n";
  }
  int64_t version = -1;
  if (f.has('v') && !ParseInt(f.value['v'], &version)) return UsageOf("delete");
  auto gone = zk_.Delete(f.positional[0], static_cast<int32_t>(version));
  if (!gone.ok()) return Refused(gone.code, f.positional[0]);
  return kOk;
}

int Commands::DeleteAll(const std::vector<std::string>& words) {
  Flags f = ParseFlags(words, "", "b");
  if (!f.error.empty()) return BadFlags(f);
  if (f.positional.empty()) return UsageOf("deleteall");
  int64_t batch = 1000;
  if (f.has('b') && !ParseInt(f.value['b'], &batch)) {
    err_ << "-b argument must be an int value\n";
    return kUsage;
  }
  if (batch < 1) batch = 1;  // as zkCli: one node at a time
  const std::string& path = f.positional[0];
  auto nodes = Subtree(path);
  if (!nodes.ok()) return Refused(nodes.code, path);
  // Deepest first, in transactions of `batch` deletes; a failed batch is
  // retried one node at a time (some may have gone meanwhile).
  bool all_gone = true;
  std::vector<std::string>& order = nodes.value;
  for (size_t end = order.size(); end > 0;) {
    size_t begin = end > static_cast<size_t>(batch) ? end - static_cast<size_t>(batch) : 0;
    client::Transaction txn;
    for (size_t i = end; i > begin; --i) txn.Delete(order[i - 1]);
    auto done = zk_.Multi(txn);
    if (!done.ok()) {
      if (done.code == ErrorCode::kConnectionLoss || done.code == ErrorCode::kSessionExpired) {
        return Refused(done.code, path);
      }
      for (size_t i = end; i > begin; --i) {
        auto gone = zk_.Delete(order[i - 1]);
        if (!gone.ok() && gone.code != ErrorCode::kNoNode) all_gone = false;
      }
    }
    end = begin;
  }
  if (!all_gone) {
    err_ << "Failed to delete some node(s) in the subtree!\n";
    return kRefused;
  }
  return kOk;
}

int Commands::Stat(const std::vector<std::string>& words) {
  Flags f = ParseFlags(words, "w", "");
  if (!f.error.empty()) return BadFlags(f);
  if (f.positional.empty()) return UsageOf("stat");
  OldWatchSyntax("stat", &f, "stat [-w] path");
  auto stat = zk_.Exists(f.positional[0], f.has('w') ? ShellWatcher() : nullptr);
  if (!stat.ok()) return Refused(stat.code, f.positional[0]);
  out_ << FormatStat(stat.value);
  return kOk;
}

int Commands::Sync(const std::vector<std::string>& words) {
  Flags f = ParseFlags(words, "", "");
  if (!f.error.empty()) return BadFlags(f);
  if (f.positional.empty()) return UsageOf("sync");
  auto synced = zk_.Sync(f.positional[0]);
  if (!synced.ok()) return Refused(synced.code, f.positional[0]);
  out_ << "Sync is OK\n";
  return kOk;
}

int Commands::GetAcl(const std::vector<std::string>& words) {
  Flags f = ParseFlags(words, "s", "");
  if (!f.error.empty()) return BadFlags(f);
  if (f.positional.empty()) return UsageOf("getAcl");
  auto acl = zk_.GetAcl(f.positional[0]);
  if (!acl.ok()) return Refused(acl.code, f.positional[0]);
  out_ << FormatAcl(acl.value.acl);
  if (f.has('s')) out_ << FormatStat(acl.value.stat);
  return kOk;
}

int Commands::SetAcl(const std::vector<std::string>& words) {
  Flags f = ParseFlags(words, "sR", "v");
  if (!f.error.empty()) return BadFlags(f);
  if (f.positional.size() < 2) return UsageOf("setAcl");
  int64_t version = -1;
  if (f.has('v') && !ParseInt(f.value['v'], &version)) return UsageOf("setAcl");
  std::string warnings;
  client::AclList acl = ParseAcl(f.positional[1], &warnings);
  err_ << warnings;
  const std::string& path = f.positional[0];
  if (!f.has('R')) {
    auto stat = zk_.SetAcl(path, acl, static_cast<int32_t>(version));
    if (!stat.ok()) return Refused(stat.code, path);
    if (f.has('s')) out_ << FormatStat(stat.value);
    return kOk;
  }
  // -R: every node of the subtree, with the same version check; a node that
  // refuses is reported and the rest go on, as in zkCli.
  auto nodes = Subtree(path);
  if (!nodes.ok()) return Refused(nodes.code, path);
  int status = kOk;
  for (const auto& target : nodes.value) {
    auto stat = zk_.SetAcl(target, acl, static_cast<int32_t>(version));
    if (!stat.ok()) status = Refused(stat.code, target);
  }
  return status;
}

int Commands::AddAuth(const std::vector<std::string>& words) {
  if (words.size() < 2) return UsageOf("addauth");
  auto added = zk_.AddAuth(words[1], words.size() > 2 ? words[2] : "");
  if (!added.ok()) return Refused(added.code, words[1]);
  return kOk;
}

int Commands::WhoAmI(const std::vector<std::string>&) {
  auto who = zk_.WhoAmI();
  if (!who.ok()) return Refused(who.code, "");
  out_ << "Auth scheme: User\n";
  for (const auto& id : who.value) out_ << id.scheme << ": " << id.id << "\n";
  return kOk;
}

int Commands::GetEphemerals(const std::vector<std::string>& words) {
  Flags f = ParseFlags(words, "", "");
  if (!f.error.empty()) return BadFlags(f);
  std::string prefix = f.positional.empty() ? "/" : f.positional[0];
  auto nodes = zk_.GetEphemerals(prefix);
  if (!nodes.ok()) return Refused(nodes.code, prefix);
  std::sort(nodes.value.begin(), nodes.value.end());
  out_ << JoinList(nodes.value) << "\n";
  return kOk;
}

int Commands::GetAllChildrenNumber(const std::vector<std::string>& words) {
  Flags f = ParseFlags(words, "", "");
  if (!f.error.empty()) return BadFlags(f);
  if (f.positional.empty()) return UsageOf("getAllChildrenNumber");
  auto n = zk_.GetAllChildrenNumber(f.positional[0]);
  if (!n.ok()) return Refused(n.code, f.positional[0]);
  out_ << n.value << "\n";
  return kOk;
}

int Commands::AddWatch(const std::vector<std::string>& words) {
  Flags f = ParseFlags(words, "", "m");
  if (!f.error.empty()) return BadFlags(f);
  if (f.positional.empty()) return UsageOf("addWatch");
  auto mode = proto::AddWatchMode::kPersistentRecursive;
  if (f.has('m')) {
    std::string m = f.value['m'];
    std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return std::toupper(c); });
    if (m == "PERSISTENT") {
      mode = proto::AddWatchMode::kPersistent;
    } else if (m != "PERSISTENT_RECURSIVE") {
      return UsageOf("addWatch");
    }
  }
  auto added = zk_.AddWatch(f.positional[0], mode, ShellWatcher());
  if (!added.ok()) return Refused(added.code, f.positional[0]);
  return kOk;
}

int Commands::Watch(const std::vector<std::string>& words) {
  Flags f = ParseFlags(words, "R", "c");
  int64_t count = 0;
  if (!f.error.empty()) return BadFlags(f);
  if (f.positional.size() != 1 || (f.has('c') && (!ParseInt(f.value['c'], &count) || count < 1))) {
    return UsageOf("watch");
  }
  auto mode =
      f.has('R') ? proto::AddWatchMode::kPersistentRecursive : proto::AddWatchMode::kPersistent;
  // One line per event, for scripts; counted for `watch -c`.
  auto watcher = [events = events_, counter = watch_events_](const client::WatchEvent& e) {
    if (events) events(FormatEvent(e) + "\n");
    ++*counter;
  };
  auto added = zk_.AddWatch(f.positional[0], mode, watcher);
  if (!added.ok()) return Refused(added.code, f.positional[0]);
  watch_wanted_ = static_cast<uint64_t>(count);
  return kOk;
}

int Commands::RemoveWatches(const std::vector<std::string>& words) {
  Flags f = ParseFlags(words, "cdal", "");
  if (!f.error.empty()) return BadFlags(f);
  if (f.positional.empty()) return UsageOf("removewatches");
  auto type = f.has('c')   ? proto::WatcherType::kChildren
              : f.has('d') ? proto::WatcherType::kData
                           : proto::WatcherType::kAny;
  auto removed = zk_.RemoveWatches(f.positional[0], type, f.has('l'));
  if (!removed.ok()) return Refused(removed.code, f.positional[0]);
  return kOk;
}

int Commands::Version(const std::vector<std::string>&) {
  out_ << kVersion << "\n";
  return kOk;
}

int Commands::Help(const std::vector<std::string>&) {
  out_ << UsageText();
  return kOk;
}

}  // namespace cairn::cli
