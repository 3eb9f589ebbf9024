// The main of the test executables that run against a real server (the
// client-lib and recipe tests, once per server kind). CTest cannot hand them
// several environment variables through catch_discover_tests (its
// PROPERTIES flatten a list, so all but the first variable were lost), so
// CMake writes each executable's settings into its own test_env.h. A
// variable already set in the environment wins, so a developer can still
// point a binary at another server build. Catch2 itself is compiled once,
// in catch_impl.cpp.
#include <cstdlib>

#include "support/catch_run.h"
#include "test_env.h"  // kTestEnv: {name, value} pairs

int main(int argc, char** argv) {
  for (const auto& [name, value] : kTestEnv) setenv(name, value, /*overwrite=*/0);
  return cairn::testing::RunCatch(argc, argv);
}
