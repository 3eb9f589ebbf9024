// A helper program run by a test as a child process: its stdout is read line
// by line (with a deadline), its stderr goes to the test's stderr, and it is
// killed (SIGKILL, by PID) and reaped when the object goes.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace cairn::testing {

class ChildProcess {
 public:
  // argv[0] is the program's path (or a name looked up in PATH).
  explicit ChildProcess(std::vector<std::string> argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The next line of stdout, without its newline; nothing if none came in time
  // or the child closed stdout.
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout);
  // Reads lines until one starts with `prefix` and returns it.
  std::optional<std::string> WaitFor(const std::string& prefix, std::chrono::milliseconds timeout);
  // Every line read so far, for failure messages.
  const std::vector<std::string>& lines() const { return lines_; }
  // The exit status once it has exited within `timeout` (128+signal if
  // killed), else nothing.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  void Kill();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
  std::vector<std::string> lines_;
  std::optional<int> status_;
};

}  // namespace cairn::testing
