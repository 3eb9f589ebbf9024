#include "client-lib/watch_table.h"

namespace cairn::client {

using proto::WatcherType;

void WatchTable::Add(WatchKind kind, const std::string& path, Watcher watcher) {
  MapOf(kind)[path].push_back(std::move(watcher));
}

void WatchTable::Move(Map& from, const std::string& path, std::vector<Watcher>& to) {
  auto it = from.find(path);
  if (it == from.end()) return;
  for (auto& w : it->second) to.push_back(std::move(w));
  from.erase(it);
}

void WatchTable::Copy(const Map& from, const std::string& path, std::vector<Watcher>& to) {
  auto it = from.find(path);
  if (it == from.end()) return;
  to.insert(to.end(), it->second.begin(), it->second.end());
}

std::vector<Watcher> WatchTable::Fire(EventType type, const std::string& path) {
  std::vector<Watcher> out;
  switch (type) {
    case EventType::kNodeCreated:
    case EventType::kNodeDataChanged:
      Move(MapOf(WatchKind::kData), path, out);
      Move(MapOf(WatchKind::kExist), path, out);
      break;
    case EventType::kNodeDeleted:
      Move(MapOf(WatchKind::kData), path, out);
      Move(MapOf(WatchKind::kExist), path, out);
      Move(MapOf(WatchKind::kChild), path, out);
      break;
    case EventType::kNodeChildrenChanged:
      Move(MapOf(WatchKind::kChild), path, out);
      break;
    default:
      return out;
  }
  Copy(MapOf(WatchKind::kPersistent), path, out);
  if (type != EventType::kNodeChildrenChanged) {
    // The path itself, then each ancestor up to "/".
    std::string p = path;
    while (true) {
      Copy(MapOf(WatchKind::kPersistentRecursive), p, out);
      if (p == "/") break;
      size_t slash = p.rfind('/');
      p = slash == 0 ? "/" : p.substr(0, slash);
    }
  }
  return out;
}

std::vector<std::pair<Watcher, WatchEvent>> WatchTable::Remove(WatcherType type,
                                                               const std::string& path) {
  std::vector<std::pair<Watcher, WatchEvent>> out;
  auto take = [&](WatchKind kind, EventType event) {
    std::vector<Watcher> removed;
    Move(MapOf(kind), path, removed);
    for (auto& w : removed) {
      out.emplace_back(std::move(w), WatchEvent{event, KeeperState::kSyncConnected, path});
    }
  };
  bool any = type == WatcherType::kAny;
  if (any || type == WatcherType::kData) {
    take(WatchKind::kData, EventType::kDataWatchRemoved);
    take(WatchKind::kExist, EventType::kDataWatchRemoved);
  }
  if (any || type == WatcherType::kChildren) {
    take(WatchKind::kChild, EventType::kChildWatchRemoved);
  }
  if (any || type == WatcherType::kPersistent) {
    take(WatchKind::kPersistent, EventType::kPersistentWatchRemoved);
  }
  if (any || type == WatcherType::kPersistentRecursive) {
    take(WatchKind::kPersistentRecursive, EventType::kPersistentWatchRemoved);
  }
  return out;
}

bool WatchTable::Has(WatcherType type, const std::string& path) const {
  auto has = [&](WatchKind kind) { return MapOf(kind).count(path) > 0; };
  switch (type) {
    case WatcherType::kData:
      return has(WatchKind::kData) || has(WatchKind::kExist);
    case WatcherType::kChildren:
      return has(WatchKind::kChild);
    case WatcherType::kPersistent:
      return has(WatchKind::kPersistent);
    case WatcherType::kPersistentRecursive:
      return has(WatchKind::kPersistentRecursive);
    case WatcherType::kAny:
      for (const auto& m : maps_) {
        if (m.count(path)) return true;
      }
      return false;
  }
  return false;
}

std::vector<Watcher> WatchTable::TakeAll() {
  std::vector<Watcher> out;
  for (auto& m : maps_) {
    for (auto& [path, list] : m) {
      for (auto& w : list) out.push_back(std::move(w));
    }
    m.clear();
  }
  return out;
}

std::vector<std::string> WatchTable::Paths(WatchKind kind) const {
  std::vector<std::string> out;
  for (const auto& [path, list] : MapOf(kind)) out.push_back(path);
  return out;
}

bool WatchTable::empty() const { return size() == 0; }

size_t WatchTable::size() const {
  size_t n = 0;
  for (const auto& m : maps_) n += m.size();
  return n;
}

}  // namespace cairn::client
