// Checks the four-letter words the tests and operators rely on (ruok, isro, srvr) through the
// plain TCP helper, cross-checked with state seen by the C client.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>

#include "interop/c_client/client_fixture.h"
#include "support/server_process.h"

namespace cairn::interop {
namespace {

using cairn::testing::FourLetterWord;

// Splits "Key: value" lines into a map.
std::map<std::string, std::string> ParseLines(const std::string& text) {
  std::map<std::string, std::string> fields;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    size_t colon = line.find(": ");
    if (colon != std::string::npos) fields[line.substr(0, colon)] = line.substr(colon + 2);
  }
  return fields;
}

TEST_CASE("4lw: ruok answers imok and isro answers rw", "[interop]") {
  CHECK(FourLetterWord(TestHosts(), "ruok") == "imok");
  CHECK(FourLetterWord(TestHosts(), "isro") == "rw");
}

TEST_CASE("4lw: srvr reports version, latency, counters, zxid, mode and node count", "[interop]") {
  TestRoot root;
  auto client = Connect();
  Stat created{};
  REQUIRE(zoo_create2(client->zh(), root.Path("n").c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr,
                      0, &created) == ZOK);
  const std::string reply = FourLetterWord(TestHosts(), "srvr");
  INFO("srvr answered:\n" << reply);
  std::map<std::string, std::string> fields = ParseLines(reply);
  CHECK(reply.rfind("Zookeeper version: ", 0) == 0);
  for (const char* key : {"Zookeeper version", "Latency min/avg/max", "Received", "Sent",
                          "Connections", "Outstanding", "Zxid", "Mode", "Node count"}) {
    INFO("field " << key);
    CHECK(fields.count(key) == 1);
  }
  CHECK(fields["Mode"] == "standalone");
  REQUIRE(fields["Zxid"].rfind("0x", 0) == 0);
  const long long zxid = std::strtoll(fields["Zxid"].c_str() + 2, nullptr, 16);
  CHECK(zxid >= created.czxid);
  // At least /, /zookeeper, /zookeeper/quota, /zookeeper/config, the root and its child.
  CHECK(std::atoi(fields["Node count"].c_str()) >= 6);
  CHECK(std::atoi(fields["Connections"].c_str()) >= 2);  // the test root's admin and client
  CHECK(std::count(fields["Latency min/avg/max"].begin(), fields["Latency min/avg/max"].end(),
                   '/') == 2);
}

TEST_CASE("4lw: an unknown word gets no answer and the server keeps serving", "[interop]") {
  CHECK(FourLetterWord(TestHosts(), "xyzw").empty());
  CHECK(FourLetterWord(TestHosts(), "ruok") == "imok");
}

}  // namespace
}  // namespace cairn::interop
