// tests/sim/scenario.h: scripted scenarios for the ZAB core, in etcd-raft's
// data-driven style. A scenario file is a list of commands, each followed by
// "----" and the output it must produce:
//
//   servers 3
//   ----
//   ok
//
//   tick 3
//   ----
//   3: LEADING (round 1)
//   ...
//
// Commands (servers are numbered from 1; the network is FIFO and delivers
// nothing until told to):
//   servers N [counter_max=C]   start N peers with empty disks
//   tick [K] [S...]             K times: tick every running server (or only
//                               S...: the others' clocks stand still, as
//                               in a process pause), stabilize
//   stabilize                   deliver every message and finish every
//                               storage request (not held) until quiet
//   deliver A->B [type=T] [drop]  deliver (or drop) the queued messages from
//                               A to B (of type T), in order
//   propose S TEXT              server S proposes a write of TEXT
//   sync S                      server S takes a sync (Peer::Sync); when it
//                               finishes the output shows S's value of k
//   hold S / release S          S's storage finishes nothing / goes on
//   persist S [N]               finish S's next N storage requests (1)
//   crash S / restart S         a crash loses what S's storage did not finish
//   partition 1 2 | 3           cut the network between the two sides
//   heal                        rejoin everything
//   status                      one line per server
//   data S                      S's state machine and durable log
//   snapshot S                  S snapshots its state machine; the log
//                               behind it goes (memory and disk)
// Output is the peers' events and, for deliver, the messages. With rewrite
// the file is written back with the actual output (review the diff).
#pragma once

#include <string>

namespace cairn::sim {

struct ScenarioResult {
  bool ok = true;
  std::string diff;  // where the output first differs from the file
};

// Runs the scenario file at path; with rewrite, replaces its outputs.
ScenarioResult RunScenario(const std::string& path, bool rewrite);

}  // namespace cairn::sim
