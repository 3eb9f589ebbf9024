// base/thread_annotations.h: Clang's thread-safety annotations (no-ops with
// other compilers), so that a mutex states what it guards.
#pragma once

#if defined(__clang__)
#define CAIRN_GUARDED_BY(x) __attribute__((guarded_by(x)))
#else
#define CAIRN_GUARDED_BY(x)
#endif
