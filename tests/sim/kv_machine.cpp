#include "sim/kv_machine.h"

#include <sstream>

#include "base/assert.h"

namespace cairn::sim {

namespace {

// FNV-1a over the bytes, continuing from h.
uint64_t Mix(uint64_t h, const std::string& bytes) {
  if (h == 0) h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

std::string EncodeOp(const KvOp& op) {
  std::ostringstream s;
  s << "w " << op.client << ' ' << op.op_id << ' ' << op.key << ' ' << op.value;
  return s.str();
}

KvOp DecodeOp(const std::string& txn) {
  std::istringstream s(txn);
  char kind = 0;
  KvOp op;
  s >> kind >> op.client >> op.op_id >> op.key >> op.value;
  CAIRN_ASSERT(kind == 'w' && !s.fail());
  return op;
}

void KvMachine::Apply(zab::Zxid zxid, const std::string& txn) {
  CAIRN_ASSERT(zxid > zxid_);
  zxid_ = zxid;
  digest_ = Mix(Mix(digest_, std::to_string(zxid)), txn);
  KvOp op = DecodeOp(txn);
  data_[op.key] = op.value;
}

std::string KvMachine::Read(const std::string& key) const {
  auto it = data_.find(key);
  return it == data_.end() ? std::string() : it->second;
}

std::string KvMachine::Snapshot() const {
  std::ostringstream s;
  s << zxid_ << ' ' << digest_ << ' ' << data_.size();
  for (const auto& [k, v] : data_) s << ' ' << k << ' ' << v;
  return s.str();
}

KvMachine KvMachine::FromSnapshot(const std::string& snapshot) {
  KvMachine m;
  if (snapshot.empty()) return m;
  std::istringstream s(snapshot);
  size_t n = 0;
  s >> m.zxid_ >> m.digest_ >> n;
  for (size_t i = 0; i < n; ++i) {
    std::string k, v;
    s >> k >> v;
    m.data_[k] = v;
  }
  CAIRN_ASSERT(!s.fail());
  return m;
}

}  // namespace cairn::sim
