// Pins the protocol constants to ZooKeeper's numeric values (ZooDefs,
// KeeperException, Watcher, CreateMode) and checks the name tables and the
// CreateMode predicates.
#include "proto/codes.h"

#include <catch2/catch.hpp>
#include <string>

namespace proto = cairn::proto;
using proto::CreateMode;
using proto::ErrorCode;
using proto::OpCode;

TEST_CASE("Codes: opcodes and error codes have ZooKeeper's values and names", "[proto]") {
  CHECK(static_cast<int>(OpCode::kCreateTtl) == 21);
  CHECK(static_cast<int>(OpCode::kAddWatch) == 106);
  CHECK(static_cast<int>(OpCode::kCloseSession) == -11);
  CHECK(std::string(proto::OpCodeName(OpCode::kGetChildren2)) == "getChildren2");
  CHECK(std::string(proto::OpCodeName(OpCode::kCreateTtl)) == "createTTL");
  CHECK(std::string(proto::OpCodeName(static_cast<OpCode>(999))) == "unknown");
  CHECK(static_cast<int>(ErrorCode::kNodeExists) == -110);
  CHECK(static_cast<int>(ErrorCode::kNoWatcher) == -121);
  CHECK(std::string(proto::ErrorCodeName(ErrorCode::kNoNode)) == "NoNode");
  CHECK(std::string(proto::ErrorCodeName(ErrorCode::kApiError)) == "APIError");
  CHECK(proto::perms::kAll ==
        (proto::perms::kRead | proto::perms::kWrite | proto::perms::kCreate |
         proto::perms::kDelete | proto::perms::kAdmin));
}

TEST_CASE("Codes: CreateMode predicates follow CreateMode.java", "[proto]") {
  CHECK(proto::IsValidCreateFlags(0));
  CHECK(proto::IsValidCreateFlags(6));
  CHECK_FALSE(proto::IsValidCreateFlags(-1));
  CHECK_FALSE(proto::IsValidCreateFlags(7));
  CHECK(proto::IsSequential(CreateMode::kPersistentSequential));
  CHECK(proto::IsSequential(CreateMode::kEphemeralSequential));
  CHECK(proto::IsSequential(CreateMode::kPersistentSequentialWithTtl));
  CHECK_FALSE(proto::IsSequential(CreateMode::kContainer));
  CHECK(proto::IsEphemeral(CreateMode::kEphemeral));
  CHECK(proto::IsEphemeral(CreateMode::kEphemeralSequential));
  CHECK_FALSE(proto::IsEphemeral(CreateMode::kContainer));
  CHECK(proto::IsTtl(CreateMode::kPersistentWithTtl));
  CHECK(proto::IsTtl(CreateMode::kPersistentSequentialWithTtl));
  CHECK_FALSE(proto::IsTtl(CreateMode::kPersistent));
}
