#include "tools/cairn-cli/shell.h"

// readline's headers need stdio first.
#include <poll.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <iostream>
#include <mutex>

#include "tools/cairn-cli/commands.h"
#include "tools/cairn-cli/words.h"

namespace cairn::cli {

namespace {

constexpr const char* kHistoryFile = ".cairn_cli_history";
constexpr int kHistoryShown = 10;

std::string HistoryPath() {
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/" + kHistoryFile;
}

const char* StateWord(client::SessionState s) {
  switch (s) {
    case client::SessionState::kConnected:
    case client::SessionState::kReconnected:
      return "CONNECTED";
    case client::SessionState::kConnecting:
    case client::SessionState::kSuspended:
      return "CONNECTING";
    case client::SessionState::kExpired:
      return "EXPIRED";
    case client::SessionState::kAuthFailed:
      return "AUTH_FAILED";
    case client::SessionState::kClosed:
      return "CLOSED";
  }
  return "UNKNOWN";
}

// Events from the client's thread, waiting for the shell's thread to print
// them; a pipe wakes the shell's poll.
class EventQueue {
 public:
  EventQueue() {
    if (pipe(fds_) != 0) fds_[0] = fds_[1] = -1;
  }
  ~EventQueue() {
    close(fds_[0]);
    close(fds_[1]);
  }
  void Push(const std::string& text) {
    {
      std::lock_guard lock(mu_);
      texts_.push_back(text);
    }
    char one = 1;
    [[maybe_unused]] auto n = write(fds_[1], &one, 1);
  }
  std::deque<std::string> Take() {
    char buf[256];
    [[maybe_unused]] auto n = read(fds_[0], buf, sizeof buf);
    std::lock_guard lock(mu_);
    return std::exchange(texts_, {});
  }
  int fd() const { return fds_[0]; }

 private:
  int fds_[2];
  std::mutex mu_;
  std::deque<std::string> texts_;
};

// The shell's state. Readline's callbacks are plain functions, so they
// reach it through this one pointer (the shell runs once per process).
class Shell;
Shell* g_shell = nullptr;

class Shell {
 public:
  Shell(const ShellOptions& options, bool terminal)
      : options_(options), server_(options.server), terminal_(terminal) {}

  int Run() {
    Connect(server_);
    if (!terminal_) return RunScript();
    g_shell = this;
    using_history();
    read_history(HistoryPath().c_str());
    rl_attempted_completion_function = &Shell::Complete;
    rl_callback_handler_install(Prompt().c_str(), &Shell::OnLine);
    while (!quit_) {
      pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {events_.fd(), POLLIN, 0}};
      if (poll(fds, 2, -1) < 0) continue;
      if (fds[1].revents & POLLIN) PrintEvents();
      if (fds[0].revents & (POLLIN | POLLHUP)) rl_callback_read_char();
    }
    rl_callback_handler_remove();
    write_history(HistoryPath().c_str());
    g_shell = nullptr;
    return kOk;
  }

 private:
  int RunScript() {
    for (std::string line; !quit_ && std::getline(std::cin, line);) Execute(line);
    return kOk;
  }

  std::string Prompt() const {
    const char* state = zk_ ? StateWord(zk_->state()) : "CLOSED";
    return "[zk: " + server_ + "(" + state + ") " + std::to_string(count_) + "] ";
  }

  void Connect(const std::string& server) {
    commands_.reset();
    zk_.reset();
    server_ = server;
    zk_ = ConnectTo(server, options_.session_timeout_ms);
    if (!zk_) return;
    EventSink sink = [this](const std::string& text) {
      if (terminal_) {
        events_.Push(text);
      } else {
        std::lock_guard lock(print_mu_);
        std::cout << text << std::flush;
      }
    };
    commands_ = std::make_unique<Commands>(*zk_, std::cout, std::cerr, sink);
    commands_->set_print_watches(print_watches_);
  }

  void Execute(const std::string& line) {
    auto words = SplitWords(line);
    if (words.empty()) return;
    history_.push_back(line);
    ++count_;
    if (words[0] == "redo") {  // runs history entry N again (the last one by default)
      size_t n =
          words.size() == 2 ? std::strtoul(words[1].c_str(), nullptr, 10) : history_.size() - 2;
      if (history_.size() < 2 || n >= history_.size() - 1) {
        std::cerr << "Command index out of range\n";
        return;
      }
      Execute(std::string(history_[n]));
      return;
    }
    std::lock_guard lock(print_mu_);
    Dispatch(words);
    std::cout << std::flush;
  }

  void Dispatch(const std::vector<std::string>& words) {
    const std::string& cmd = words[0];
    if (cmd == "quit" || cmd == "exit") {
      quit_ = true;
    } else if (cmd == "connect") {
      if (words.size() != 2) {
        std::cerr << "connect host:port\n";
      } else {
        Connect(words[1]);
      }
    } else if (cmd == "close") {
      if (zk_) zk_->Close();
    } else if (cmd == "history") {
      size_t from = history_.size() > kHistoryShown ? history_.size() - kHistoryShown : 0;
      for (size_t i = from; i < history_.size(); ++i) {
        std::cout << i << " - " << history_[i] << "\n";
      }
    } else if (cmd == "printwatches") {
      if (words.size() == 2 && (words[1] == "on" || words[1] == "off")) {
        print_watches_ = words[1] == "on";
        if (commands_) commands_->set_print_watches(print_watches_);
      } else {
        std::cout << "printwatches is " << (print_watches_ ? "on" : "off") << "\n";
      }
    } else if (!commands_) {
      std::cerr << "Not connected: use connect host:port\n";
    } else {
      commands_->Run(words);
    }
  }

  // Prints queued events above the line being edited, then redraws it.
  void PrintEvents() {
    auto texts = events_.Take();
    if (texts.empty()) return;
    char* saved = rl_copy_text(0, rl_end);
    int point = rl_point;
    rl_save_prompt();
    rl_replace_line("", 0);
    rl_redisplay();
    for (const auto& t : texts) std::cout << t;
    std::cout << std::flush;
    rl_restore_prompt();
    rl_replace_line(saved, 0);
    rl_point = point;
    rl_forced_update_display();
    std::free(saved);
  }

  static void OnLine(char* line) {
    Shell& self = *g_shell;
    if (line == nullptr) {  // end of input (^D)
      std::cout << "\n";
      self.quit_ = true;
      return;
    }
    if (*line) add_history(line);
    std::string text = line;
    std::free(line);
    self.Execute(text);
    if (!self.quit_) rl_set_prompt(self.Prompt().c_str());
  }

  // Tab completion: command names first, then znode paths.
  static char** Complete(const char* text, int start, int) {
    rl_attempted_completion_over = 1;  // no file names
    if (start == 0) return rl_completion_matches(text, &Shell::NextCommand);
    if (text[0] == '/') {
      rl_completion_append_character = '\0';
      return rl_completion_matches(text, &Shell::NextPath);
    }
    return nullptr;
  }

  static char* NextCommand(const char* text, int state) {
    static size_t index;
    if (state == 0) index = 0;
    const auto& list = CommandList();
    while (index < list.size()) {
      const std::string& name = list[index++].name;
      if (name.rfind(text, 0) == 0) return strdup(name.c_str());
    }
    return nullptr;
  }

  static char* NextPath(const char* text, int state) {
    static std::vector<std::string> matches;
    static size_t index;
    if (state == 0) {
      matches.clear();
      index = 0;
      std::string typed = text;
      size_t slash = typed.rfind('/');
      std::string parent = slash == 0 ? "/" : typed.substr(0, slash);
      std::string stem = typed.substr(slash + 1);
      if (g_shell->zk_) {
        auto children = g_shell->zk_->GetChildren(parent);
        for (const auto& name : children.value.names) {
          if (name.rfind(stem, 0) == 0)
            matches.push_back((parent == "/" ? "" : parent) + "/" + name);
        }
        std::sort(matches.begin(), matches.end());
      }
    }
    return index < matches.size() ? strdup(matches[index++].c_str()) : nullptr;
  }

  const ShellOptions options_;
  std::string server_;
  const bool terminal_;
  std::unique_ptr<client::BlockingClient> zk_;
  std::unique_ptr<Commands> commands_;
  EventQueue events_;
  std::mutex print_mu_;  // stdout between commands and (script mode) events
  std::vector<std::string> history_;
  int count_ = 0;
  bool print_watches_ = true;
  bool quit_ = false;
};

}  // namespace

std::unique_ptr<client::BlockingClient> ConnectTo(const std::string& server,
                                                  int32_t session_timeout_ms) {
  client::ClientOptions options;
  options.connect_string = server;
  options.session_timeout_ms = session_timeout_ms;
  auto zk = client::BlockingClient::Connect(options);
  if (!zk) {
    std::cerr << "Unable to connect to " << server << ": " << zk.error().ToString() << "\n";
    return nullptr;
  }
  return std::move(zk.value());
}

int RunShell(const ShellOptions& options) {
  Shell shell(options, isatty(STDIN_FILENO) != 0);
  return shell.Run();
}

}  // namespace cairn::cli
