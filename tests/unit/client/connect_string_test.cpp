// ParseConnectString and Chroot: hosts, default ports, IPv6 brackets, the chroot,
// and the errors an operator sees for a bad string.
#include "client-lib/connect_string.h"

#include <catch2/catch.hpp>

namespace cairn::client {
namespace {

TEST_CASE("ConnectString: hosts, default port, IPv6 and chroot", "[client]") {
  auto cs = ParseConnectString("a:1, b ,[::1]:3/app/x");
  REQUIRE(cs);
  REQUIRE(cs.value().hosts.size() == 3);
  CHECK(cs.value().hosts[0] == HostPort{"a", 1});
  CHECK(cs.value().hosts[1] == HostPort{"b", 2181});
  CHECK(cs.value().hosts[2] == HostPort{"::1", 3});
  CHECK(cs.value().hosts[2].ToString() == "[::1]:3");
  CHECK(cs.value().chroot.prefix() == "/app/x");
  CHECK(ParseConnectString("h:2181/").value().chroot.empty());
}

TEST_CASE("ConnectString: bad strings say what is wrong", "[client]") {
  for (const char* bad : {"", ",", "h:0", "h:65536", "h:x", "h:", ":1", "h/a/", "h/a//b", "[::1"}) {
    INFO(bad);
    CHECK_FALSE(ParseConnectString(bad));
  }
  CHECK_THAT(ParseConnectString("h:99999").error().message(), Catch::Contains("99999"));
}

TEST_CASE("Chroot: maps paths in and out", "[client]") {
  Chroot c("/app");
  CHECK(c.ToServer("/") == "/app");
  CHECK(c.ToServer("/a/b") == "/app/a/b");
  CHECK(c.ToClient("/app") == "/");
  CHECK(c.ToClient("/app/a") == "/a");
  CHECK(c.ToClient("/apple") == "/apple");  // not inside the chroot
  CHECK(Chroot().ToServer("/a") == "/a");
}

}  // namespace
}  // namespace cairn::client
