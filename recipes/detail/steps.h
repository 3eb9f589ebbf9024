// recipes/detail/steps.h: the blocking steps the recipes share, each with
// the connection-loss handling Curator's framework gives its recipes.
//
// Connection loss is not failure: the session may still live, so a step
// waits for the client to reconnect and tries again, until its deadline or
// until the session is final (expired, closed, auth failed). Only then does
// it give up, with GiveUpCode's answer.
#pragma once

#include <string>

#include "client-lib/blocking_client.h"
#include "recipes/detail/waiter.h"

namespace cairn::recipes::detail {

// True when `code` is a connection loss and the client reconnected before
// the deadline: try again. False otherwise (give up).
bool RetryAfter(client::BlockingClient& zk, client::ErrorCode code, Deadline deadline);
// What a step that gives up reports: the session's final state if it has
// one (kSessionExpired, kAuthFailed, or kConnectionLoss once closed),
// kOperationTimeout past the deadline, else `code`.
client::ErrorCode GiveUpCode(client::BlockingClient& zk, client::ErrorCode code, Deadline deadline);

// Creates `path` and every missing ancestor as containers (empty, open ACL),
// as Curator's creatingParentContainersIfNeeded does; an existing one is fine.
client::ErrorCode EnsureContainers(client::BlockingClient& zk, const std::string& path,
                                   Deadline deadline);

// Creates dir/<protected prefix><name> (container parents made as needed).
// After a connection loss it looks for the prefix among dir's children
// before creating again, so a create that did happen is found, never
// doubled. If it gives up while a node may exist, that node is deleted in
// the background, so it is never left behind.
client::Outcome<client::Created> CreateProtected(client::BlockingClient& zk, const std::string& dir,
                                                 const std::string& name, const std::string& data,
                                                 client::CreateMode mode, Deadline deadline);

// Deletes `path` (any version), retrying after connection loss in the
// background until it is gone or the session is final ("guaranteed").
void DeleteGuaranteed(client::BlockingClient& zk, const std::string& path);
// The same for whichever child of `dir` starts with `prefix`.
void DeleteProtectedGuaranteed(client::BlockingClient& zk, const std::string& dir,
                               const std::string& prefix);

}  // namespace cairn::recipes::detail
