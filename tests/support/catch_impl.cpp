// Catch2's implementation, compiled once for every test executable (each
// compile of it takes ~30 s; the suite has eight executables). Catch2 v2
// declares Catch::Session only beside its implementation, so the mains call
// RunCatch instead.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "support/catch_run.h"

namespace cairn::testing {

int RunCatch(int argc, char** argv) { return Catch::Session().run(argc, argv); }

}  // namespace cairn::testing
