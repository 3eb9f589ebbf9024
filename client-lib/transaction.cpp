#include "client-lib/transaction.h"

#include <utility>

namespace cairn::client {

using proto::OpCode;

OpCode CreateOpCode(CreateMode mode) {
  if (mode == CreateMode::kContainer) return OpCode::kCreateContainer;
  if (proto::IsTtl(mode)) return OpCode::kCreateTtl;
  return OpCode::kCreate2;
}

Transaction& Transaction::Create(std::string path, std::string data, CreateOptions options) {
  proto::CreateRequest req;
  req.path = std::move(path);
  req.data = std::move(data);
  req.acl = std::move(options.acl);
  req.flags = static_cast<int32_t>(options.mode);
  req.ttl = options.ttl_ms;
  ops_.push_back(proto::MultiOp{CreateOpCode(options.mode), std::move(req)});
  return *this;
}

Transaction& Transaction::Delete(std::string path, int32_t version) {
  ops_.push_back(
      proto::MultiOp{OpCode::kDelete, proto::PathVersionRequest{std::move(path), version}});
  return *this;
}

Transaction& Transaction::SetData(std::string path, std::string data, int32_t version) {
  proto::SetDataRequest req;
  req.path = std::move(path);
  req.data = std::move(data);
  req.version = version;
  ops_.push_back(proto::MultiOp{OpCode::kSetData, std::move(req)});
  return *this;
}

Transaction& Transaction::Check(std::string path, int32_t version) {
  ops_.push_back(
      proto::MultiOp{OpCode::kCheck, proto::PathVersionRequest{std::move(path), version}});
  return *this;
}

ReadBatch& ReadBatch::GetData(std::string path) {
  ops_.push_back(proto::MultiOp{OpCode::kGetData, proto::PathWatchRequest{std::move(path), false}});
  return *this;
}

ReadBatch& ReadBatch::GetChildren(std::string path) {
  ops_.push_back(
      proto::MultiOp{OpCode::kGetChildren, proto::PathWatchRequest{std::move(path), false}});
  return *this;
}

}  // namespace cairn::client
