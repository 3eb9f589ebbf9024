// Catch2 entry point for the C client interop tests: quiets the C client's own logging (set
// CAIRN_TEST_ZK_LOG=1 to keep it on stderr) and runs the test cases.
#include <cstdio>
#include <cstdlib>

#include "interop/c_client/client_fixture.h"
#include "support/catch_run.h"

int main(int argc, char* argv[]) {
  FILE* null_log = nullptr;
  if (std::getenv("CAIRN_TEST_ZK_LOG") == nullptr) {
    zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
    null_log = std::fopen("/dev/null", "w");
    if (null_log != nullptr) zoo_set_log_stream(null_log);
  }
  int failed = cairn::testing::RunCatch(argc, argv);
  // Handles are all closed by now; the shared server (if any) stops during static destruction.
  return failed;
}
