// client-lib/detail/calls.h: turns each typed operation into a SessionCore
// Call: the encoded request (paths already inside the chroot) and the decoder
// of its reply, which wraps the application's callback. Pure; internal to
// client-lib. Paths must have been checked (CheckPath) before.
#pragma once

#include <string>

#include "client-lib/session_core.h"
#include "client-lib/transaction.h"
#include "client-lib/types.h"

namespace cairn::client::detail {

// kOk, or kBadArguments for a path ZooKeeper would refuse. A sequential
// create may end in '/' (the server appends the counter).
ErrorCode CheckPath(std::string_view path, bool sequential = false);
ErrorCode CheckCreate(std::string_view path, const CreateOptions& options);
ErrorCode CheckTransaction(const std::vector<proto::MultiOp>& ops);

Call CreateCall(const Chroot& c, const std::string& path, std::string data,
                const CreateOptions& options, Callback<Created> done);
Call DeleteCall(const Chroot& c, const std::string& path, int32_t version, Callback<Empty> done);
Call ExistsCall(const Chroot& c, const std::string& path, Watcher watcher, Callback<Stat> done);
Call GetDataCall(const Chroot& c, const std::string& path, Watcher watcher,
                 Callback<NodeData> done);
Call SetDataCall(const Chroot& c, const std::string& path, std::string data, int32_t version,
                 Callback<Stat> done);
Call GetChildrenCall(const Chroot& c, const std::string& path, Watcher watcher,
                     Callback<Children> done);
Call GetAclCall(const Chroot& c, const std::string& path, Callback<AclAndStat> done);
Call SetAclCall(const Chroot& c, const std::string& path, AclList acl, int32_t version,
                Callback<Stat> done);
Call SyncCall(const Chroot& c, const std::string& path, Callback<std::string> done);
Call MultiCall(const Chroot& c, const std::vector<proto::MultiOp>& ops, bool read_only,
               Callback<std::vector<OpResult>> done);
Call GetEphemeralsCall(const Chroot& c, const std::string& prefix,
                       Callback<std::vector<std::string>> done);
Call GetAllChildrenNumberCall(const Chroot& c, const std::string& path, Callback<int32_t> done);
Call AddWatchCall(const Chroot& c, const std::string& path, proto::AddWatchMode mode,
                  Watcher watcher, Callback<Empty> done);
Call RemoveWatchesCall(const Chroot& c, const std::string& path, proto::WatcherType type,
                       Callback<Empty> done);
Call WhoAmICall(Callback<std::vector<ClientIdentity>> done);

}  // namespace cairn::client::detail
