// tools/cairn-cli/format.h: what cairn-cli prints, in zkCli's formats (so
// scripts written against zkCli keep working): stats, ACLs, watch events,
// and ZooKeeper errors as zkCli words them. Data is printed safely: text as
// it is, anything else (control characters, invalid UTF-8) escaped.
#pragma once

#include <string>

#include "client-lib/types.h"

namespace cairn::cli {

// The eleven "name = value" lines of zkCli's stat, ending in a newline.
std::string FormatStat(const client::Stat& stat);
// "cdrwa"-style permissions, and back (an unknown letter is skipped with
// zkCli's warning appended to `warnings`).
std::string PermString(int32_t perms);
int32_t ParsePerms(const std::string& text, std::string* warnings);
// zkCli's getAcl lines: "'scheme,'id\n: perms\n" per entry.
std::string FormatAcl(const client::AclList& acl);
// "scheme:id:perms[,scheme:id:perms...]"; the id may hold ':' (digest). As
// zkCli's AclParser: a malformed entry is skipped, with a warning line.
client::AclList ParseAcl(const std::string& text, std::string* warnings);
// "WatchedEvent state:SyncConnected type:NodeDataChanged path:/a".
std::string FormatEvent(const client::WatchEvent& event);
// Text (printable UTF-8, tabs, newlines) unchanged; otherwise every byte
// outside printable ASCII as \xNN and '\' as "\\".
std::string SafeData(const std::string& data);
// zkCli's words for a failed request on `path`, e.g. "Node does not exist: /a".
std::string ErrorMessage(client::ErrorCode code, const std::string& path);

}  // namespace cairn::cli
