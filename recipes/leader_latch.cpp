#include "recipes/leader_latch.h"

#include <algorithm>

#include "recipes/detail/steps.h"
#include "recipes/node_names.h"

namespace cairn::recipes {

using client::ErrorCode;
using client::SessionState;

namespace {
const std::vector<std::string> kLatchNames = {"latch-"};
// How long one step may retry before the loop looks at Close/Resign again,
// and the pause after an error that waiting for the session will not cure.
constexpr std::chrono::milliseconds kStep{2000};
constexpr std::chrono::milliseconds kErrorPause{200};
}  // namespace

LeaderLatch::LeaderLatch(client::BlockingClient& zk, std::string path, LeaderLatchOptions options)
    : zk_(zk), dir_(std::move(path)), options_(std::move(options)), waiter_(zk) {}

LeaderLatch::~LeaderLatch() { Close(); }

void LeaderLatch::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Run(); });
}

void LeaderLatch::Resign() {
  std::unique_lock lock(mu_);
  if (!thread_.joinable() || stopping_) return;
  uint64_t ticket = ++resigns_asked_;
  waiter_.Wake();
  if (std::this_thread::get_id() == thread_.get_id()) return;
  changed_.wait(lock, [&] { return resigns_done_ >= ticket || stopping_; });
}

void LeaderLatch::Close() {
  std::thread thread;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    if (std::this_thread::get_id() == thread_.get_id()) {  // from a callback: stops after it
      waiter_.Wake();
      return;
    }
    thread = std::move(thread_);
  }
  changed_.notify_all();
  waiter_.Wake();
  if (thread.joinable()) thread.join();
}

bool LeaderLatch::HasLeadership() const {
  std::lock_guard lock(mu_);
  return leader_;
}

int64_t LeaderLatch::term() const {
  std::lock_guard lock(mu_);
  return leader_ ? term_ : 0;
}

bool LeaderLatch::AwaitLeadership(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return leader_; });
}

std::string LeaderLatch::node() const {
  std::lock_guard lock(mu_);
  return node_;
}

void LeaderLatch::SetLeader(bool leader, int64_t term) {
  bool was_leader;
  {
    std::lock_guard lock(mu_);
    if (leader_ == leader && (!leader || term_ == term)) return;
    was_leader = leader_;
    leader_ = leader;
    term_ = leader ? term : 0;
  }
  changed_.notify_all();
  // A new term while leading (our node was replaced) ends the old one first.
  if (was_leader && options_.on_not_leader) options_.on_not_leader();
  if (leader && options_.on_leader) options_.on_leader(term);
}

void LeaderLatch::Run() {
  std::string node;  // ours; the latch thread owns it, node_ is its copy
  int64_t czxid = 0;
  auto forget_node = [&] {
    node.clear();
    std::lock_guard lock(mu_);
    node_.clear();
  };
  for (;;) {
    uint64_t seen = waiter_.wakeups();
    uint64_t resign_ticket = 0;
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;
      if (resigns_asked_ > resigns_done_) resign_ticket = resigns_asked_;
    }
    if (resign_ticket != 0) {
      SetLeader(false, 0);
      if (!node.empty()) detail::DeleteGuaranteed(zk_, node);
      forget_node();
      {
        std::lock_guard lock(mu_);
        resigns_done_ = resign_ticket;
      }
      changed_.notify_all();
      continue;
    }
    // Any disconnection, however short, ends leadership: while it lasted the
    // session might have expired. Reconnected, the candidate looks again.
    if (waiter_.TakeSuspension()) SetLeader(false, 0);
    SessionState state = zk_.state();
    if (state != SessionState::kConnected && state != SessionState::kReconnected) {
      // Suspended, or final (then only Close wakes it for good).
      SetLeader(false, 0);
      waiter_.WaitPast(seen, detail::kForever);
      continue;
    }
    if (node.empty()) {
      auto created = detail::CreateProtected(zk_, dir_, kLatchNames[0], options_.id,
                                             client::CreateMode::kEphemeralSequential,
                                             detail::DeadlineAfter(kStep));
      if (!created.ok()) {
        waiter_.WaitPast(seen, detail::DeadlineAfter(kErrorPause));
        continue;
      }
      node = created.value.path;
      czxid = created.value.stat.czxid;
      std::lock_guard lock(mu_);
      node_ = node;
      continue;
    }
    auto children = zk_.GetChildren(dir_);
    if (!children.ok()) {
      if (children.code == ErrorCode::kNoNode) {
        SetLeader(false, 0);  // the latch's path is gone, and our node with it
        forget_node();
      } else {
        waiter_.WaitPast(seen, detail::DeadlineAfter(kErrorPause));
      }
      continue;
    }
    auto sorted = SortChildren(std::move(children.value.names), kLatchNames);
    auto ours = std::find(sorted.begin(), sorted.end(), BaseName(node));
    if (ours == sorted.end()) {
      SetLeader(false, 0);
      forget_node();
      continue;
    }
    // The leader watches its own node (deleted by someone else: not leader
    // any more); others watch their predecessor only.
    std::string watched = ours == sorted.begin() ? node : JoinPath(dir_, *(ours - 1));
    auto data = zk_.GetData(watched, waiter_.watcher());
    if (data.code == ErrorCode::kNoNode) continue;
    if (!data.ok()) {
      waiter_.WaitPast(seen, detail::DeadlineAfter(kErrorPause));
      continue;
    }
    // A disconnection since the look makes what it saw uncertain: look again.
    if (waiter_.TakeSuspension()) {
      SetLeader(false, 0);
      continue;
    }
    SetLeader(ours == sorted.begin(), czxid);
    waiter_.WaitPast(seen, detail::kForever);
  }
  SetLeader(false, 0);
  if (!node.empty() && !client::IsFinal(zk_.state())) detail::DeleteGuaranteed(zk_, node);
  forget_node();
}

client::Outcome<std::vector<Participant>> LeaderLatch::Participants() {
  auto children = zk_.GetChildren(dir_);
  if (children.code == ErrorCode::kNoNode) return {ErrorCode::kOk, {}};
  if (!children.ok()) return {children.code, {}};
  std::vector<Participant> participants;
  bool leader_found = false;
  for (auto& name : SortChildren(std::move(children.value.names), kLatchNames)) {
    std::string path = JoinPath(dir_, name);
    auto data = zk_.GetData(path);
    if (data.code == ErrorCode::kNoNode) continue;
    if (!data.ok()) return {data.code, {}};
    participants.push_back(Participant{data.value.data, path, !leader_found});
    leader_found = true;
  }
  return {ErrorCode::kOk, std::move(participants)};
}

client::Outcome<Participant> LeaderLatch::Leader() {
  auto all = Participants();
  if (!all.ok()) return {all.code, {}};
  if (all.value.empty()) return {ErrorCode::kNoNode, {}};
  return {ErrorCode::kOk, all.value.front()};
}

}  // namespace cairn::recipes
