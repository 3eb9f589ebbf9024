// base/mark.h: coverage marks for rare paths (TigerBeetle's marks,
// FoundationDB's CODE_PROBE). CAIRN_MARK("sync.trunc") in production code
// costs one well-predicted branch; it does nothing unless a test installs a
// hook, which the simulator does to prove that its seeds reach every rare
// path. Pure: the hook is a plain function pointer, set once before a run.
#pragma once

namespace cairn {

using MarkHook = void (*)(const char* name);

// The installed hook (nullptr: marks are off). Not thread-safe: install it
// before starting the code that hits marks.
inline MarkHook& MarkHookSlot() {
  static MarkHook hook = nullptr;
  return hook;
}

}  // namespace cairn

#define CAIRN_MARK(name)                                              \
  do {                                                                \
    if (::cairn::MarkHook hook = ::cairn::MarkHookSlot()) hook(name); \
  } while (0)
