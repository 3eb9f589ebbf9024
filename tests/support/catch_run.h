// The test executables' way into Catch2, whose implementation is compiled
// once (support/catch_impl.cpp) instead of in every main.
#pragma once

namespace cairn::testing {

// Runs the test cases that argv selects; returns the number that failed.
int RunCatch(int argc, char** argv);

}  // namespace cairn::testing
