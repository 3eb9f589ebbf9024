// recipes/node_names.h: how the recipes name and order their znodes, as
// Curator 5.4 does (docs/curator-layout.md), so that a Cairn recipe and a
// Curator recipe on the same path agree on who is first.
//
// A protected name starts "_c_<uuid>-": the uuid, fresh for each attempt,
// lets a client that lost its connection during a create find out whether
// the create happened, by listing the parent for that prefix.
//
// Order: each child's sort key is the text after the last occurrence of a
// lock name ("lock-", "latch-", "__READ__"/"__WRIT__"): the sequence number
// the server appended. A child without the name keeps its whole name as the
// key. Keys compare bytewise and the sort is stable; all children are
// sorted, foreign ones too, because positions are counted in that list.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cairn::recipes {

// "_c_" + a random version-4 uuid (lowercase, 36 characters) + "-".
std::string NewProtectedPrefix();
// Curator's ProtectedUtils test: "_c_", a uuid, '-' at index 39, more after it.
bool IsProtectedName(std::string_view name);

// The sort key of `child` under `lock_names`, applied one after the other
// (the read-write lock strips "__READ__", then "__WRIT__").
std::string_view SortKey(std::string_view child, const std::vector<std::string>& lock_names);
std::vector<std::string> SortChildren(std::vector<std::string> children,
                                      const std::vector<std::string>& lock_names);

// "dir/name", with "/" as the root.
std::string JoinPath(const std::string& dir, std::string_view name);
// The last component of a path.
std::string_view BaseName(std::string_view path);

}  // namespace cairn::recipes
