// Catch2 runner for Cairn's unit and simulation tests.
#include "support/catch_run.h"

int main(int argc, char** argv) { return cairn::testing::RunCatch(argc, argv); }
