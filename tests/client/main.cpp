// client-lib's tests against a real server (see fixture.h for which one).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
