// Parses zoo.cfg texts given as string literals with ParseConfig and checks
// defaults, every implemented key, the accepted-but-unimplemented keys, and
// that each kind of mistake fails with "file:line" and a useful message.
#include "server/config.h"

#include <catch2/catch.hpp>
#include <string>

using cairn::server::ClosestKnownKey;
using cairn::server::IsKnownKey;
using cairn::server::ParseConfig;
using cairn::server::ServerConfig;

namespace {

const char* kSource = "zoo.cfg";

ServerConfig ParseOk(const std::string& text) {
  auto r = ParseConfig(text, kSource);
  if (!r) FAIL("unexpected error: " << r.error().message());
  return r.value();
}

// The error message for a config that must fail.
std::string ParseError(const std::string& text) {
  auto r = ParseConfig(text, kSource);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().kind() == cairn::ErrorKind::kInvalidArgument);
  return r.error().message();
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("ParseConfig: defaults with only dataDir set", "[server]") {
  ServerConfig c = ParseOk("dataDir=/var/zk\n");
  CHECK(c.source == "zoo.cfg");
  CHECK(c.data_dir == "/var/zk");
  CHECK(c.data_log_dir == "/var/zk");
  CHECK(c.tick_time_ms == 2000);
  CHECK(c.init_limit == 10);
  CHECK(c.sync_limit == 5);
  CHECK(c.client_port == 2181);
  CHECK(c.max_client_cnxns == 60);
  CHECK(c.MinSessionTimeoutMs() == 4000);
  CHECK(c.MaxSessionTimeoutMs() == 40000);
  CHECK(c.jute_max_buffer_bytes == 0xfffff);
  CHECK(c.four_letter_words == std::set<std::string>{"srvr"});
  CHECK_FALSE(c.extended_types_enabled);
  CHECK(c.super_digest.empty());
  CHECK(c.peers.empty());
  CHECK(c.unimplemented_keys.empty());
}

TEST_CASE("ParseConfig: session timeout defaults follow tickTime (2 and 20 ticks)", "[server]") {
  ServerConfig c = ParseOk("tickTime=500\ndataDir=/d\n");
  CHECK(c.MinSessionTimeoutMs() == 1000);
  CHECK(c.MaxSessionTimeoutMs() == 10000);
}

TEST_CASE("ParseConfig: every implemented key is applied", "[server]") {
  ServerConfig c = ParseOk(
      "# a comment\n"
      "! another comment style\n"
      "\n"
      "tickTime = 3000\n"
      "initLimit=7\n"
      "syncLimit=3\n"
      "dataDir=/data\n"
      "dataLogDir=/log\n"
      "clientPort=2281\n"
      "clientPortAddress=127.0.0.1\n"
      "maxClientCnxns=0\n"
      "minSessionTimeout=5000\n"
      "maxSessionTimeout=90000\n"
      "jute.maxbuffer=2097152\n"
      "extendedTypesEnabled=true\n"
      "DigestAuthenticationProvider.superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU=\n"
      "4lw.commands.whitelist=stat, ruok,conf\n"
      "znode.container.checkIntervalMs=1000\n");
  CHECK(c.tick_time_ms == 3000);
  CHECK(c.init_limit == 7);
  CHECK(c.sync_limit == 3);
  CHECK(c.data_dir == "/data");
  CHECK(c.data_log_dir == "/log");
  CHECK(c.client_port == 2281);
  CHECK(c.client_port_address == "127.0.0.1");
  CHECK(c.max_client_cnxns == 0);
  CHECK(c.MinSessionTimeoutMs() == 5000);
  CHECK(c.MaxSessionTimeoutMs() == 90000);
  CHECK(c.jute_max_buffer_bytes == 2097152);
  CHECK(c.extended_types_enabled);
  CHECK(c.super_digest == "super:D/InIHSb7yEEbrWz8b9l71RjZJU=");
  CHECK(c.four_letter_words.count("stat") == 1);
  CHECK(c.four_letter_words.count("ruok") == 1);
  CHECK(c.four_letter_words.count("conf") == 1);
  CHECK(c.container_check_interval_ms == 1000);
  CHECK(c.unimplemented_keys.empty());
  CHECK(c.all_keys.at("tickTime") == "3000");
  CHECK(c.all_keys.at("clientPortAddress") == "127.0.0.1");
}

TEST_CASE("ParseConfig: the zookeeper. system-property spelling works too", "[server]") {
  ServerConfig c = ParseOk(
      "dataDir=/d\n"
      "zookeeper.extendedTypesEnabled=yes\n"
      "zookeeper.DigestAuthenticationProvider.superDigest=super:abc=\n"
      "zookeeper.4lw.commands.whitelist=*\n");
  CHECK(c.extended_types_enabled);
  CHECK(c.super_digest == "super:abc=");
  CHECK(c.four_letter_words.count("*") == 1);
}

TEST_CASE("ParseConfig: srvr stays whitelisted whatever the 4lw whitelist says",
          "[server]") {
  // FourLetterCommands.isEnabled always adds "srvr" (zkServer.sh status uses it).
  ServerConfig c = ParseOk("dataDir=/d\n4lw.commands.whitelist=stat\n");
  CHECK(c.four_letter_words.count("stat") == 1);
  CHECK(c.four_letter_words.count("srvr") == 1);
}

TEST_CASE("ParseConfig: a 4lw whitelist entry that is not four letters fails", "[server]") {
  std::string err = ParseError("dataDir=/d\n4lw.commands.whitelist=stat,statistics\n");
  CHECK(Contains(err, "zoo.cfg:2"));
  CHECK(Contains(err, "statistics"));
}

TEST_CASE("ParseConfig: an unknown key fails with file:line and a did-you-mean hint",
          "[server]") {
  std::string err = ParseError("dataDir=/d\ntickTme=2000\n");
  CHECK(Contains(err, "zoo.cfg:2"));
  CHECK(Contains(err, "tickTme"));
  CHECK(Contains(err, "did you mean 'tickTime'"));
  CHECK(Contains(ParseError("dataDir=/d\nclientport=2181\n"), "'clientPort'"));
  CHECK(Contains(ParseError("dataDir=/d\nmaxSessionTimout=1\n"), "'maxSessionTimeout'"));
}

TEST_CASE("ParseConfig: documented but unimplemented keys are accepted and listed", "[server]") {
  ServerConfig c = ParseOk(
      "dataDir=/d\n"
      "snapCount=50000\n"
      "zookeeper.preAllocSize=1024\n"
      "autopurge.snapRetainCount=5\n"
      "autopurge.purgeInterval=1\n"
      "standaloneEnabled=false\n");
  // snapCount, snapRetainCount and purgeInterval are acted on (zab/storage).
  CHECK(c.unimplemented_keys == std::vector<std::string>{"zookeeper.preAllocSize", "standaloneEnabled"});
  CHECK(c.all_keys.at("snapCount") == "50000");
  CHECK(c.snap_count == 50000);
  CHECK(c.snap_retain_count == 5);
}

TEST_CASE("IsKnownKey and ClosestKnownKey cover literal keys, prefixes and patterns",
          "[server]") {
  CHECK(IsKnownKey("tickTime"));
  CHECK(IsKnownKey("snapCount"));
  CHECK(IsKnownKey("zookeeper.snapCount"));
  CHECK(IsKnownKey("server.1"));
  CHECK(IsKnownKey("group.1"));
  CHECK(IsKnownKey("authProvider.sasl"));
  CHECK_FALSE(IsKnownKey("tickTme"));
  CHECK_FALSE(IsKnownKey("server."));
  CHECK_FALSE(IsKnownKey("bogus"));
  CHECK(ClosestKnownKey("dataDri") == "dataDir");
  CHECK(ClosestKnownKey("initlimit") == "initLimit");
}

TEST_CASE("ParseConfig: malformed and out-of-range values fail with file:line", "[server]") {
  struct Case {
    std::string line;
    std::string expect;
  };
  const Case cases[] = {
      {"tickTime=abc", "not an integer"},
      {"tickTime=2000ms", "not an integer"},
      {"tickTime=", "not an integer"},
      {"tickTime=0", "between"},
      {"tickTime=-5", "between"},
      {"clientPort=70000", "between"},
      {"clientPort=99999999999999999999", "not an integer"},
      {"maxClientCnxns=-1", "between"},
      {"minSessionTimeout=-2", "between"},
      {"jute.maxbuffer=10", "between"},
      {"extendedTypesEnabled=maybe", "true or false"},
      {"superDigest=nocolon", "superDigest"},
      {"justakey", "key=value"},
      {"=value", "empty key"},
  };
  for (const auto& c : cases) {
    INFO(c.line);
    std::string err = ParseError("dataDir=/d\n" + c.line + "\n");
    CHECK(Contains(err, "zoo.cfg:2"));
    CHECK(Contains(err, c.expect));
  }
}

TEST_CASE("ParseConfig: whitespace separates key and value, as java.util.Properties allows",
          "[server]") {
  // Properties ends a key at the first unescaped '=', ':' or white space.
  ServerConfig c = ParseOk("dataDir /var/zk\ntickTime 3000\n");
  CHECK(c.data_dir == "/var/zk");
  CHECK(c.tick_time_ms == 3000);
}

TEST_CASE("ParseConfig: a key set twice fails and names the first line", "[server]") {
  std::string err = ParseError("tickTime=2000\ndataDir=/d\ntickTime=3000\n");
  CHECK(Contains(err, "zoo.cfg:3"));
  CHECK(Contains(err, "line 1"));
}

TEST_CASE("ParseConfig: dataDir is required", "[server]") {
  std::string err = ParseError("tickTime=2000\nclientPort=2181\n");
  CHECK(Contains(err, "zoo.cfg"));
  CHECK(Contains(err, "dataDir"));
}

TEST_CASE("ParseConfig: minSessionTimeout above maxSessionTimeout fails", "[server]") {
  CHECK(Contains(ParseError("dataDir=/d\nminSessionTimeout=30000\nmaxSessionTimeout=10000\n"),
                 "minSessionTimeout"));
  // The 2-tick default minimum (4000) above an explicit maximum also fails.
  CHECK(Contains(ParseError("dataDir=/d\nmaxSessionTimeout=3000\n"), "maxSessionTimeout"));
  // Equal is fine.
  ServerConfig c = ParseOk("dataDir=/d\nminSessionTimeout=5000\nmaxSessionTimeout=5000\n");
  CHECK(c.MinSessionTimeoutMs() == 5000);
}

TEST_CASE("ParseConfig: server.N lines", "[server]") {
  ServerConfig c = ParseOk(
      "dataDir=/d\n"
      "server.1=zk1:2888:3888\n"
      "server.2=zk2:2889:3889:observer\n"
      "server.3=zk3:2890:3890:participant;2181\n"
      "server.4=zk4:2891:3891;127.0.0.1:2182\n");
  REQUIRE(c.peers.size() == 4);
  const auto& p1 = c.peers.at(1);
  CHECK(p1.id == 1);
  CHECK(p1.host == "zk1");
  CHECK(p1.quorum_port == 2888);
  CHECK(p1.election_port == 3888);
  CHECK(p1.role == "participant");
  CHECK(p1.client_port == 0);
  CHECK(c.peers.at(2).role == "observer");
  CHECK(c.peers.at(3).client_port == 2181);
  CHECK(c.peers.at(3).client_address.empty());
  CHECK(c.peers.at(4).client_address == "127.0.0.1");
  CHECK(c.peers.at(4).client_port == 2182);
}

TEST_CASE("ParseConfig: malformed server.N lines fail with file:line", "[server]") {
  for (const char* line : {
           "server.1=zk1:2888",
           "server.1=zk1:2888:3888:observer:extra",
           "server.x=zk1:2888:3888",
           "server.1=zk1:0:3888",
           "server.1=zk1:2888:65536",
           "server.1=zk1:2888:3888:leader",
           "server.1=:2888:3888",
           "server.1=zk1:2888:3888;notaport",
       }) {
    INFO(line);
    CHECK(Contains(ParseError(std::string("dataDir=/d\n") + line + "\n"), "zoo.cfg:2"));
  }
}

TEST_CASE("ParseConfig: server.N accepts a bracketed IPv6 host", "[server]") {
  // QuorumPeer.QuorumServer splits with ConfigUtils.getHostAndPort, which
  // understands "[2001:db8::1]:2888:3888".
  ServerConfig c = ParseOk("dataDir=/d\nserver.1=[2001:db8::1]:2888:3888\n");
  REQUIRE(c.peers.count(1) == 1);
  CHECK(c.peers.at(1).quorum_port == 2888);
  CHECK(c.peers.at(1).election_port == 3888);
}
