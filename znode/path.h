// znode/path.h: the data model's names for the znode path rules, which live in
// proto/path.h so that the client library can check paths too. Pure.
#pragma once

#include "proto/path.h"

namespace cairn::znode {

using proto::BaseName;
using proto::IsSpecialPath;
using proto::IsValidPath;
using proto::kConfigPath;
using proto::kQuotaPath;
using proto::kZookeeperPath;
using proto::ParentPath;

}  // namespace cairn::znode
