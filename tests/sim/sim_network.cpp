#include "sim/sim_network.h"

#include "base/assert.h"

namespace cairn::sim {

const char* SimNetwork::Send(zab::Message m, int64_t now) {
  if (!Connected(m.from, m.to)) return "cut";
  if (random_->Chance(faults_.drop_per_mille)) return "dropped";
  int copies = random_->Chance(faults_.duplicate_per_mille) ? 2 : 1;
  for (int i = 0; i < copies; ++i) {
    int64_t at = now + (random_->Chance(faults_.long_delay_per_mille)
                            ? random_->Between(faults_.delay_max, faults_.long_delay_max)
                            : random_->Between(faults_.delay_min, faults_.delay_max));
    queue_.push(Queued{at, next_seq_++, i + 1 < copies ? m : std::move(m)});
  }
  return copies == 2 ? "duplicated" : "sent";
}

std::optional<int64_t> SimNetwork::NextTime() const {
  if (queue_.empty()) return std::nullopt;
  return queue_.top().time;
}

std::optional<zab::Message> SimNetwork::Pop() {
  CAIRN_ASSERT(!queue_.empty());
  zab::Message m = queue_.top().message;
  queue_.pop();
  if (!Connected(m.from, m.to)) return std::nullopt;
  return m;
}

void SimNetwork::Partition(std::set<zab::Sid> side) { side_ = std::move(side); }

void SimNetwork::Heal() {
  side_.clear();
  cut_.clear();
}

bool SimNetwork::Connected(zab::Sid from, zab::Sid to) const {
  if (cut_.count({from, to})) return false;
  if (side_.empty()) return true;
  return side_.count(from) == side_.count(to);
}

}  // namespace cairn::sim
