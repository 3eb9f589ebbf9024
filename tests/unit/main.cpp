// Catch2 runner for Cairn's unit tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
