// server/main.cpp: the cairn-server binary: `cairn-server CONFIG_FILE`.
// Turns a startup Error into one clear message and exit code 2.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <filesystem>

#include "base/version.h"
#include "server/config.h"
#include "server/server.h"

int main(int argc, char** argv) {
  CLI::App app{"Cairn: a ZooKeeper-compatible coordination server.\n"
               "Starts a standalone server from a zoo.cfg-style configuration file."};
  std::string config_path;
  bool version = false;
  app.add_flag("--version", version, "Print the version and exit");
  app.add_option("CONFIG_FILE", config_path, "zoo.cfg-style configuration file");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (version) {
    std::printf("cairn-server %s (ZooKeeper 3.8 client protocol)\n", cairn::kVersion);
    return 0;
  }
  if (config_path.empty()) {
    std::fprintf(stderr, "cairn-server: missing CONFIG_FILE (see --help)\n");
    return 2;
  }
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %l %v");
  auto config = cairn::server::LoadConfigFile(config_path);
  if (!config) {
    std::fprintf(stderr, "cairn-server: %s\n", config.error().message().c_str());
    return 2;
  }
  if (!config.value().peers.empty()) {
    spdlog::warn("config lists {} server.N members; replication (ZAB) does not exist in Cairn yet, so "
                 "this process serves standalone file={}",
                 config.value().peers.size(), config_path);
  }
  for (const auto& key : config.value().unimplemented_keys) {
    spdlog::warn("config key accepted; Cairn does not act on it yet key={} file={}", key, config_path);
  }
  for (const auto& dir : {config.value().data_dir, config.value().data_log_dir}) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      std::fprintf(stderr, "cairn-server: %s: cannot create data directory %s: %s\n",
                   config_path.c_str(), dir.c_str(), ec.message().c_str());
      return 2;
    }
  }
  signal(SIGPIPE, SIG_IGN);
  boost::asio::io_context io(1);
  cairn::server::Server server(io, std::move(config).value());
  auto started = server.Start();
  if (!started) {
    std::fprintf(stderr, "cairn-server: %s\n", started.error().message().c_str());
    return 2;
  }
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int sig) {
    spdlog::info("stopping signal={}", sig);
    server.Stop();
    io.stop();
  });
  spdlog::info("cairn-server {} started config={}", cairn::kVersion, config_path);
  io.run();  // the event loop: runs until a signal or a storage failure stops it
  return server.exit_code();
}
