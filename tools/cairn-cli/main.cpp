// cairn-cli: ZooKeeper's command-line shell (zkCli's commands, flags and
// output) for Cairn and any ZooKeeper server.
//
//   cairn-cli [-server host:port[,...][/chroot]] [-timeout ms] [cmd args]
//
// With a command it runs that one command and exits: 0 done, 1 the server
// refused it (the reason on stderr, in zkCli's words), 2 a usage error, 3 no
// session. Without one it starts the interactive shell (shell.h).
#include <signal.h>

#include <chrono>
#include <cstring>
#include <iostream>
#include <mutex>
#include <thread>

#include "tools/cairn-cli/commands.h"
#include "tools/cairn-cli/shell.h"

namespace {

using namespace cairn;

int Usage(std::ostream& out, int status) {
  out << cli::UsageText();
  return status;
}

// `watch` in one-shot mode: events until -c N of them, a signal, or the end
// of the session.
int WaitForEvents(client::BlockingClient& zk, cli::Commands& commands, uint64_t wanted,
                  const sigset_t& signals) {
  timespec slice{0, 100 * 1000 * 1000};
  for (;;) {
    if (wanted > 0 && commands.watch_events() >= wanted) return cli::kOk;
    if (client::IsFinal(zk.state())) return cli::kNoSession;
    if (sigtimedwait(&signals, nullptr, &slice) > 0) return cli::kOk;
  }
}

}  // namespace

int main(int argc, char** argv) {
  cli::ShellOptions options;
  options.server = "localhost:2181";
  std::vector<std::string> command;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (!command.empty()) {
      command.push_back(arg);
    } else if ((arg == "-server" || arg == "--server") && i + 1 < argc) {
      options.server = argv[++i];
    } else if ((arg == "-timeout" || arg == "--timeout") && i + 1 < argc) {
      try {
        options.session_timeout_ms = std::stoi(argv[++i]);
      } catch (const std::exception&) {
        std::cerr << "-timeout needs a number of milliseconds\n";
        return cli::kUsage;
      }
    } else if (arg == "-waitforconnection") {
      // Always so: the shell and a command wait for the session.
    } else if (arg == "-r") {
      std::cerr << "cairn-cli: read-only mode (-r) is not supported; connecting normally\n";
    } else if (arg == "-client-configuration" && i + 1 < argc) {
      std::cerr << "cairn-cli: ignoring -client-configuration " << argv[++i] << "\n";
    } else if (arg == "-h" || arg == "-help" || arg == "--help") {
      return Usage(std::cout, cli::kOk);
    } else if (arg.size() > 1 && arg[0] == '-') {
      std::cerr << "unknown option " << arg << "\n";
      return Usage(std::cerr, cli::kUsage);
    } else {
      command.push_back(arg);
    }
  }
  if (command.empty()) return cli::RunShell(options);

  // One command. `watch` waits for signals in this thread, so block them
  // before the client's thread starts (it inherits the mask).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  if (command[0] == "watch") pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto zk = cli::ConnectTo(options.server, options.session_timeout_ms);
  if (!zk) return cli::kNoSession;
  std::mutex print_mu;
  cli::Commands commands(*zk, std::cout, std::cerr, [&print_mu](const std::string& text) {
    std::lock_guard lock(print_mu);
    std::cout << text << std::flush;
  });
  int status;
  {
    std::lock_guard lock(print_mu);
    status = commands.Run(command);
    std::cout << std::flush;
  }
  if (status == cli::kOk && command[0] == "watch") {
    status = WaitForEvents(*zk, commands, commands.watch_wanted(), signals);
  }
  zk->Close();
  return status;
}
