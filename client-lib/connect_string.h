// client-lib/connect_string.h: ZooKeeper connect strings and the chroot they
// may carry. Pure value code, any thread.
//
//   connect-string := host-port { "," host-port } [ chroot ]
//   host-port      := host [ ":" port ]          (port defaults to 2181)
//                   | "[" ipv6 "]" [ ":" port ]
//   chroot         := "/" path                  (a valid znode path, not "/")
//
// As in ZooKeeper's Java client, the chroot follows the last host and applies
// to every path the application passes; paths coming back from the server
// (created names, watch events) have it taken off again.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace cairn::client {

struct HostPort {
  std::string host;
  uint16_t port = 2181;
  bool operator==(const HostPort&) const = default;
  // "host:port", with brackets around an IPv6 host.
  std::string ToString() const;
};

// Maps the application's paths into the chroot and back. An empty chroot
// maps every path to itself.
class Chroot {
 public:
  Chroot() = default;
  explicit Chroot(std::string prefix) : prefix_(std::move(prefix)) {}

  // "/a" -> "<chroot>/a"; "/" -> "<chroot>".
  std::string ToServer(std::string_view client_path) const;
  // "<chroot>/a" -> "/a"; "<chroot>" -> "/". A path outside the chroot is
  // returned unchanged (ZooKeeper's client does the same).
  std::string ToClient(std::string_view server_path) const;
  const std::string& prefix() const { return prefix_; }
  bool empty() const { return prefix_.empty(); }

 private:
  std::string prefix_;
};

struct ConnectString {
  std::vector<HostPort> hosts;
  Chroot chroot;
};

// Fails with the offending part and why: no host, an empty host, a port that
// is not 1..65535, or a chroot that is not a valid znode path.
Result<ConnectString> ParseConnectString(std::string_view text);

}  // namespace cairn::client
