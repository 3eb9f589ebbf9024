// The recipes' tests against a real server (Cairn, or Apache ZooKeeper when
// CAIRN_TEST_SERVER=zookeeper; see ../client/fixture.h).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
