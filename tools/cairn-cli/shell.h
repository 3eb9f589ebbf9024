// tools/cairn-cli/shell.h: the interactive shell. With a terminal it uses
// GNU readline (history in ~/.cairn_cli_history, completion of command
// names and znode paths) and prints watch events above the prompt as they
// arrive; without one it reads commands from stdin line by line, as a
// script. The shell's own commands: connect, close, quit, history, redo,
// printwatches.
#pragma once

#include <string>

#include "client-lib/blocking_client.h"

namespace cairn::cli {

struct ShellOptions {
  std::string server;
  int32_t session_timeout_ms = 30000;
};

// Runs until quit or end of input; returns the exit status.
int RunShell(const ShellOptions& options);
// A session on `server`, or nothing (with the reason on stderr).
std::unique_ptr<client::BlockingClient> ConnectTo(const std::string& server,
                                                  int32_t session_timeout_ms);

}  // namespace cairn::cli
