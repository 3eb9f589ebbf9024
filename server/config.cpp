#include "server/config.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <string_view>

namespace cairn::server {
namespace {

struct KnownKey {
  std::string_view key;
  std::string_view kind;
};

constexpr KnownKey kKnownKeys[] = {
#include "server/zk_known_keys.inc"
    // Cairn's short spelling of the super digest, as the issue tracker and
    // many operators write it.
    {"superDigest", "cairn"},
};

std::string_view StripPrefix(std::string_view key) {
  constexpr std::string_view kPrefix = "zookeeper.";
  return key.starts_with(kPrefix) ? key.substr(kPrefix.size()) : key;
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\f\v");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\f\v");
  return std::string(s.substr(b, e - b + 1));
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

class Parser {
 public:
  Parser(std::string source, ServerConfig* cfg) : source_(std::move(source)), cfg_(cfg) {}

  Error Fail(int line, const std::string& why) const {
    return InvalidArgument(source_ + ":" + std::to_string(line) + ": " + why);
  }

  Result<int64_t> Int(int line, const std::string& key, const std::string& v, int64_t lo,
                      int64_t hi) const {
    int64_t out = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || p != v.data() + v.size()) {
      return Fail(line, key + "=" + v + ": not an integer");
    }
    if (out < lo || out > hi) {
      return Fail(line, key + "=" + v + ": must be between " + std::to_string(lo) + " and " +
                            std::to_string(hi));
    }
    return out;
  }

  Result<bool> Bool(int line, const std::string& key, const std::string& v) const {
    std::string l = v;
    std::transform(l.begin(), l.end(), l.begin(), ::tolower);
    if (l == "true" || l == "yes") return true;
    if (l == "false" || l == "no") return false;
    return Fail(line, key + "=" + v + ": expected true or false");
  }

  Result<void> Peer(int line, const std::string& key, const std::string& v) {
    auto id = Int(line, key, key.substr(7), 0, 0xff);  // "server." is 7 chars
    if (!id) return id.error();
    PeerConfig p;
    p.id = id.value();
    std::string spec = v, client;
    if (size_t semi = v.find(';'); semi != std::string::npos) {
      spec = v.substr(0, semi);
      client = v.substr(semi + 1);
    }
    std::vector<std::string> parts;
    std::string rest = spec;
    if (!rest.empty() && rest[0] == '[') {  // a bracketed IPv6 host
      size_t close = rest.find(']');
      if (close == std::string::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
        return Fail(line, key + "=" + v + ": malformed [IPv6] host");
      }
      parts.push_back(rest.substr(1, close - 1));
      rest = rest.substr(close + 2);
    }
    std::stringstream ss(rest);
    for (std::string part; std::getline(ss, part, ':');) parts.push_back(Trim(part));
    if (parts.size() < 3 || parts.size() > 4 || parts[0].empty()) {
      return Fail(line, key + "=" + v + ": expected host:quorumPort:electionPort[:role][;[addr:]clientPort]");
    }
    p.host = parts[0];
    auto qp = Int(line, key + " quorum port", parts[1], 1, 65535);
    if (!qp) return qp.error();
    auto ep = Int(line, key + " election port", parts[2], 1, 65535);
    if (!ep) return ep.error();
    p.quorum_port = static_cast<int>(qp.value());
    p.election_port = static_cast<int>(ep.value());
    if (parts.size() == 4) {
      if (parts[3] != "participant" && parts[3] != "observer") {
        return Fail(line, key + "=" + v + ": role must be participant or observer");
      }
      p.role = parts[3];
    }
    if (!client.empty()) {
      std::string port = client;
      if (size_t colon = client.rfind(':'); colon != std::string::npos) {
        p.client_address = client.substr(0, colon);
        port = client.substr(colon + 1);
      }
      auto cp = Int(line, key + " client port", Trim(port), 1, 65535);
      if (!cp) return cp.error();
      p.client_port = static_cast<int>(cp.value());
    }
    if (cfg_->peers.count(p.id)) return Fail(line, key + ": server id defined twice");
    cfg_->peers[p.id] = p;
    return outcome_v2_success();
  }

  static Result<void> outcome_v2_success() { return boost::outcome_v2::success(); }

  // Applies a key Cairn acts on; returns false for one it only accepts.
  Result<bool> Apply(int line, const std::string& key, const std::string& v) {
    std::string_view k = StripPrefix(key);
    auto set_int = [&](auto* field, int64_t lo, int64_t hi) -> Result<bool> {
      auto r = Int(line, key, v, lo, hi);
      if (!r) return r.error();
      *field = static_cast<std::remove_pointer_t<decltype(field)>>(r.value());
      return true;
    };
    if (k == "tickTime") return set_int(&cfg_->tick_time_ms, 1, 1 << 30);
    if (k == "initLimit") return set_int(&cfg_->init_limit, 1, 1 << 20);
    if (k == "syncLimit") return set_int(&cfg_->sync_limit, 1, 1 << 20);
    if (k == "clientPort") return set_int(&cfg_->client_port, 0, 65535);
    if (k == "maxClientCnxns") return set_int(&cfg_->max_client_cnxns, 0, 1 << 24);
    if (k == "minSessionTimeout") return set_int(&cfg_->min_session_timeout_ms, -1, INT32_MAX);
    if (k == "maxSessionTimeout") return set_int(&cfg_->max_session_timeout_ms, -1, INT32_MAX);
    if (k == "jute.maxbuffer") return set_int(&cfg_->jute_max_buffer_bytes, 1024, INT32_MAX);
    if (k == "znode.container.checkIntervalMs") {
      return set_int(&cfg_->container_check_interval_ms, 1, INT32_MAX);
    }
    if (k == "snapCount") return set_int(&cfg_->snap_count, 2, INT32_MAX);
    if (k == "snapSizeLimitInKb") return set_int(&cfg_->snap_size_limit_kb, INT64_MIN, INT64_MAX);
    if (k == "autopurge.snapRetainCount") return set_int(&cfg_->snap_retain_count, 1, 1 << 20);
    if (k == "autopurge.purgeInterval") return set_int(&cfg_->purge_interval_hours, 0, 1 << 20);
    if (k == "forceSync") {
      auto b = Bool(line, key, v);
      if (!b) return b.error();
      cfg_->force_sync = b.value();
      return true;
    }
    if (k == "dataDir") {
      cfg_->data_dir = v;
      return true;
    }
    if (k == "dataLogDir") {
      cfg_->data_log_dir = v;
      return true;
    }
    if (k == "clientPortAddress") {
      cfg_->client_port_address = v;
      return true;
    }
    if (k == "4lw.commands.whitelist") {
      cfg_->four_letter_words.clear();
      std::stringstream ss(v);
      for (std::string w; std::getline(ss, w, ',');) {
        w = Trim(w);
        if (w.empty()) continue;
        if (w != "*" && w.size() != 4) {
          return Fail(line, key + ": '" + w + "' is not a four-letter word");
        }
        cfg_->four_letter_words.insert(w);
      }
      // ZooKeeper always keeps srvr on: zkServer.sh status depends on it.
      cfg_->four_letter_words.insert("srvr");
      return true;
    }
    if (k == "extendedTypesEnabled") {
      auto b = Bool(line, key, v);
      if (!b) return b.error();
      cfg_->extended_types_enabled = b.value();
      return true;
    }
    if (k == "superDigest" || k == "DigestAuthenticationProvider.superDigest") {
      if (v.find(':') == std::string::npos) {
        return Fail(line, key + ": expected user:base64(sha1(user:password))");
      }
      cfg_->super_digest = v;
      return true;
    }
    if (k.starts_with("server.")) {
      auto r = Peer(line, std::string(k), v);
      if (!r) return r.error();
      return true;
    }
    return false;
  }

 private:
  std::string source_;
  ServerConfig* cfg_;
};

}  // namespace

bool IsKnownKey(const std::string& key) {
  std::string prefixed = "zookeeper." + key;
  for (const auto& k : kKnownKeys) {
    if (k.kind == "pattern") {
      std::string_view prefix = k.key.substr(0, k.key.size() - 1);  // keep the '.'
      if ((key.starts_with(prefix) && key.size() > prefix.size()) || prefixed.starts_with(prefix)) {
        return true;
      }
    } else if (k.key == key || k.key == prefixed) {
      return true;
    }
  }
  return false;
}

std::string ClosestKnownKey(const std::string& key) {
  std::string best;
  size_t best_d = SIZE_MAX;
  for (const auto& k : kKnownKeys) {
    if (k.kind == "pattern") continue;
    for (std::string_view cand : {k.key, StripPrefix(k.key)}) {
      size_t d = EditDistance(key, cand);
      if (d < best_d) {
        best_d = d;
        best = std::string(cand);
      }
    }
  }
  return best;
}

Result<ServerConfig> ParseConfig(const std::string& text, const std::string& source) {
  ServerConfig cfg;
  cfg.source = source;
  Parser parser(source, &cfg);
  std::map<std::string, int> seen;
  std::stringstream in(text);
  int line_no = 0;
  for (std::string raw; std::getline(in, raw);) {
    ++line_no;
    std::string line = Trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == '!') continue;
    // java.util.Properties rules, as ZooKeeper reads zoo.cfg: the key ends
    // at the first '=', ':' or whitespace; whitespace and one '=' or ':'
    // then separate it from the value.
    size_t sep = line.find_first_of("=: \t\f");
    if (sep == std::string::npos) {
      return parser.Fail(line_no, "expected key=value, got '" + line + "'");
    }
    std::string key = line.substr(0, sep);
    size_t v = line.find_first_not_of(" \t\f", sep);
    if (v != std::string::npos && line[sep] != '=' && line[sep] != ':' &&
        (line[v] == '=' || line[v] == ':')) {
      ++v;
    } else if (v == sep) {
      ++v;  // sep itself was '=' or ':'
    }
    std::string value = v == std::string::npos || v >= line.size() ? "" : Trim(line.substr(v));
    if (key.empty()) return parser.Fail(line_no, "empty key");
    if (!IsKnownKey(key)) {
      return parser.Fail(line_no, "unknown key '" + key + "' (did you mean '" +
                                      ClosestKnownKey(key) + "'?)");
    }
    if (seen.count(key)) {
      return parser.Fail(line_no, "key '" + key + "' already set on line " +
                                      std::to_string(seen[key]));
    }
    seen[key] = line_no;
    cfg.all_keys[key] = value;
    auto applied = parser.Apply(line_no, key, value);
    if (!applied) return applied.error();
    if (!applied.value()) cfg.unimplemented_keys.push_back(key);
  }
  if (cfg.data_dir.empty()) return InvalidArgument(source + ": dataDir is not set");
  if (cfg.data_log_dir.empty()) cfg.data_log_dir = cfg.data_dir;
  if (cfg.MinSessionTimeoutMs() > cfg.MaxSessionTimeoutMs()) {
    return InvalidArgument(source + ": minSessionTimeout (" +
                           std::to_string(cfg.MinSessionTimeoutMs()) +
                           ") is greater than maxSessionTimeout (" +
                           std::to_string(cfg.MaxSessionTimeoutMs()) + ")");
  }
  return cfg;
}

Result<ServerConfig> LoadConfigFile(const std::string& path) {
  std::ifstream f(path);
  if (!f) return IoError(path + ": cannot open config file");
  std::stringstream buf;
  buf << f.rdbuf();
  return ParseConfig(buf.str(), path);
}

}  // namespace cairn::server
