#include "znode/watch_registry.h"

#include "znode/path.h"

namespace cairn::znode {

void WatchRegistry::Add(WatchTables table, const std::string& path, int64_t session_id,
                        Mode mode) {
  // As in ZooKeeper 3.8, one (table, path, session) has one mode: a later
  // registration replaces it (a getData watch turns a persistent watch on
  // that path back into a one-shot one).
  uint8_t& bits = TableFor(table)[path][session_id];
  if ((bits & kRecursive) && mode != kRecursive) --recursive_count_;
  if (mode == kRecursive && !(bits & kRecursive)) ++recursive_count_;
  bits = mode;
  by_session_[session_id].emplace(table, path);
}

void WatchRegistry::AddPersistent(const std::string& path, int64_t session_id, bool recursive) {
  if (recursive) {
    Add(kDataWatches, path, session_id, kRecursive);
  } else {
    Add(kDataWatches, path, session_id, kPersistent);
    Add(kChildWatches, path, session_id, kPersistent);
  }
}

void WatchRegistry::FireTable(WatchTables t, const WatchFire& fire, std::set<int64_t>* sessions) {
  Table& table = TableFor(t);
  if (auto it = table.find(fire.path); it != table.end()) {
    for (auto w = it->second.begin(); w != it->second.end();) {
      sessions->insert(w->first);
      if (w->second & kStandard) {
        w->second &= static_cast<uint8_t>(~kStandard);
        if (w->second == 0) {
          if (auto s = by_session_.find(w->first); s != by_session_.end()) {
            s->second.erase({static_cast<uint8_t>(t), fire.path});
            if (s->second.empty()) by_session_.erase(s);
          }
          w = it->second.erase(w);
          continue;
        }
      }
      ++w;
    }
    if (it->second.empty()) table.erase(it);
  }
  // Recursive watches on ancestors (data table only, never for child events).
  if (t != kDataWatches || recursive_count_ == 0 || fire.path == "/") return;
  std::string_view p = fire.path;
  while (p != "/") {  // bounded by the path depth
    p = ParentPath(p);
    auto it = table.find(std::string(p));
    if (it == table.end()) continue;
    for (const auto& [session, bits] : it->second) {
      if (bits & kRecursive) sessions->insert(session);
    }
  }
}

void WatchRegistry::Fire(const WatchFire& fire, int32_t fire_index,
                         std::vector<Notification>* out) {
  std::set<int64_t> sessions;
  if (fire.tables & kDataWatches) FireTable(kDataWatches, fire, &sessions);
  if (fire.tables & kChildWatches) FireTable(kChildWatches, fire, &sessions);
  for (int64_t s : sessions) out->push_back(Notification{s, fire.type, fire.path, fire_index});
}

bool WatchRegistry::Contains(const std::string& path, proto::WatcherType type,
                             int64_t session_id) const {
  auto has = [&](WatchTables t, uint8_t bits) {
    const Table& table = TableFor(t);
    auto it = table.find(path);
    if (it == table.end()) return false;
    auto w = it->second.find(session_id);
    return w != it->second.end() && (w->second & bits) != 0;
  };
  constexpr uint8_t kAll = kStandard | kPersistent | kRecursive;
  switch (type) {
    case proto::WatcherType::kChildren: return has(kChildWatches, kAll);
    case proto::WatcherType::kData: return has(kDataWatches, kAll);
    case proto::WatcherType::kAny: return has(kChildWatches, kAll) || has(kDataWatches, kAll);
    case proto::WatcherType::kPersistent: return has(kDataWatches, kPersistent);
    case proto::WatcherType::kPersistentRecursive: return has(kDataWatches, kRecursive);
  }
  return false;
}

bool WatchRegistry::RemoveBits(WatchTables t, const std::string& path, int64_t session_id,
                               uint8_t bits) {
  Table& table = TableFor(t);
  auto it = table.find(path);
  if (it == table.end()) return false;
  auto w = it->second.find(session_id);
  if (w == it->second.end() || (w->second & bits) == 0) return false;
  if ((w->second & bits & kRecursive) != 0) --recursive_count_;
  w->second &= static_cast<uint8_t>(~bits);
  if (w->second == 0) {
    it->second.erase(w);
    if (it->second.empty()) table.erase(it);
    if (auto s = by_session_.find(session_id); s != by_session_.end()) {
      s->second.erase({static_cast<uint8_t>(t), path});
      if (s->second.empty()) by_session_.erase(s);
    }
  }
  return true;
}

bool WatchRegistry::Remove(const std::string& path, proto::WatcherType type, int64_t session_id) {
  constexpr uint8_t kAll = kStandard | kPersistent | kRecursive;
  switch (type) {
    case proto::WatcherType::kChildren: return RemoveBits(kChildWatches, path, session_id, kAll);
    case proto::WatcherType::kData: return RemoveBits(kDataWatches, path, session_id, kAll);
    case proto::WatcherType::kAny: {
      bool c = RemoveBits(kChildWatches, path, session_id, kAll);
      bool d = RemoveBits(kDataWatches, path, session_id, kAll);
      return c || d;
    }
    case proto::WatcherType::kPersistent: {
      bool c = RemoveBits(kChildWatches, path, session_id, kPersistent);
      bool d = RemoveBits(kDataWatches, path, session_id, kPersistent);
      return c || d;
    }
    case proto::WatcherType::kPersistentRecursive:
      return RemoveBits(kDataWatches, path, session_id, kRecursive);
  }
  return false;
}

void WatchRegistry::RemoveSession(int64_t session_id) {
  auto s = by_session_.find(session_id);
  if (s == by_session_.end()) return;
  auto entries = std::move(s->second);
  by_session_.erase(s);
  for (const auto& [t, path] : entries) {
    Table& table = TableFor(static_cast<WatchTables>(t));
    auto it = table.find(path);
    if (it == table.end()) continue;
    auto w = it->second.find(session_id);
    if (w == it->second.end()) continue;
    if (w->second & kRecursive) --recursive_count_;
    it->second.erase(w);
    if (it->second.empty()) table.erase(it);
  }
}

size_t WatchRegistry::WatchCount() const {
  size_t n = 0;
  for (const auto& [p, w] : data_) n += w.size();
  for (const auto& [p, w] : child_) n += w.size();
  return n;
}

size_t WatchRegistry::DataWatchCount() const {
  size_t n = 0;
  for (const auto& [p, w] : data_) n += w.size();
  return n;
}

size_t WatchRegistry::DataPathCount() const { return data_.size(); }

std::map<int64_t, std::set<std::string>> WatchRegistry::DataBySession() const {
  std::map<int64_t, std::set<std::string>> out;
  for (const auto& [p, w] : data_) {
    for (const auto& [s, bits] : w) out[s].insert(p);
  }
  return out;
}

std::map<std::string, std::set<int64_t>> WatchRegistry::DataByPath() const {
  std::map<std::string, std::set<int64_t>> out;
  for (const auto& [p, w] : data_) {
    for (const auto& [s, bits] : w) out[p].insert(s);
  }
  return out;
}

}  // namespace cairn::znode
