#include "client-lib/connect_string.h"

#include <charconv>

#include "proto/path.h"

namespace cairn::client {
namespace {

Result<HostPort> ParseHostPort(std::string_view part) {
  HostPort hp;
  std::string_view port_text;
  if (!part.empty() && part.front() == '[') {
    size_t close = part.find(']');
    if (close == std::string_view::npos) {
      return InvalidArgument("connect string: '" + std::string(part) + "' has no closing ']'");
    }
    hp.host = std::string(part.substr(1, close - 1));
    std::string_view rest = part.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return InvalidArgument("connect string: junk after ']' in '" + std::string(part) + "'");
      }
      port_text = rest.substr(1);
    }
  } else {
    size_t colon = part.rfind(':');
    hp.host = std::string(part.substr(0, colon));
    if (colon != std::string_view::npos) port_text = part.substr(colon + 1);
    if (colon != std::string_view::npos && port_text.empty()) {
      return InvalidArgument("connect string: '" + std::string(part) + "' has an empty port");
    }
  }
  if (hp.host.empty()) {
    return InvalidArgument("connect string: empty host in '" + std::string(part) + "'");
  }
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return InvalidArgument("connect string: port '" + std::string(port_text) + "' of '" +
                             std::string(part) + "' is not 1..65535");
    }
    hp.port = static_cast<uint16_t>(port);
  }
  return hp;
}

}  // namespace

std::string HostPort::ToString() const {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string Chroot::ToServer(std::string_view client_path) const {
  if (prefix_.empty()) return std::string(client_path);
  if (client_path == "/") return prefix_;
  std::string out;
  out.reserve(prefix_.size() + client_path.size());
  out.append(prefix_).append(client_path);
  return out;
}

std::string Chroot::ToClient(std::string_view server_path) const {
  if (prefix_.empty()) return std::string(server_path);
  if (server_path.size() < prefix_.size() || server_path.substr(0, prefix_.size()) != prefix_) {
    return std::string(server_path);
  }
  std::string_view rest = server_path.substr(prefix_.size());
  if (rest.empty()) return "/";
  if (rest.front() != '/') return std::string(server_path);  // "/app2" under "/app"
  return std::string(rest);
}

Result<ConnectString> ParseConnectString(std::string_view text) {
  ConnectString out;
  // The chroot starts at the first '/' (hosts never contain one).
  size_t slash = text.find('/');
  std::string_view hosts = text.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view chroot = text.substr(slash);
    std::string reason;
    if (!proto::IsValidPath(chroot, &reason)) {
      return InvalidArgument("connect string: chroot '" + std::string(chroot) +
                             "' is not a valid path: " + reason);
    }
    if (chroot != "/") out.chroot = Chroot(std::string(chroot));
  }
  size_t start = 0;
  while (start <= hosts.size()) {
    size_t comma = hosts.find(',', start);
    std::string_view part =
        hosts.substr(start, comma == std::string_view::npos ? comma : comma - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) {
      auto hp = ParseHostPort(part);
      if (!hp) return hp.error();
      out.hosts.push_back(std::move(hp.value()));
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (out.hosts.empty()) {
    return InvalidArgument("connect string '" + std::string(text) + "' names no host");
  }
  return out;
}

}  // namespace cairn::client
