// client-lib/transaction.h: builders for multi (an atomic transaction) and
// multiRead (a batch of reads answered together). Plain values; paths are the
// application's (the client applies its chroot when it sends them).
#pragma once

#include <string>
#include <vector>

#include "client-lib/types.h"
#include "proto/multi.h"

namespace cairn::client {

// The opcode a create in this mode goes out as: createContainer (19),
// createTTL (21), else create2 (15), which answers with the Stat.
proto::OpCode CreateOpCode(CreateMode mode);

struct CreateOptions {
  CreateMode mode = CreateMode::kPersistent;
  AclList acl = OpenAclUnsafe();
  int64_t ttl_ms = -1;  // required (> 0) for the TTL modes, refused otherwise
};

// All ops succeed together or none does. Results come back in op order.
class Transaction {
 public:
  Transaction& Create(std::string path, std::string data, CreateOptions options = {});
  Transaction& Delete(std::string path, int32_t version = -1);
  Transaction& SetData(std::string path, std::string data, int32_t version = -1);
  // Fails the transaction unless the node's version is `version`.
  Transaction& Check(std::string path, int32_t version);

  const std::vector<proto::MultiOp>& ops() const { return ops_; }
  bool empty() const { return ops_.empty(); }

 private:
  std::vector<proto::MultiOp> ops_;
};

// Reads answered in one reply; each op carries its own error code.
class ReadBatch {
 public:
  ReadBatch& GetData(std::string path);
  ReadBatch& GetChildren(std::string path);

  const std::vector<proto::MultiOp>& ops() const { return ops_; }
  bool empty() const { return ops_.empty(); }

 private:
  std::vector<proto::MultiOp> ops_;
};

}  // namespace cairn::client
