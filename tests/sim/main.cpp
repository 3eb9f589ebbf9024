// cairn-sim: runs the deterministic whole-ensemble simulation.
//   cairn-sim --seed N [--steps K] [--servers 3|5] [--trace]
//   cairn-sim --seeds A..B [--steps K] [--servers 3|5]
// A failing seed prints the violation, the command that replays it, and
// the trace (one line per event). Exit code 0: every seed held.
//   --storage-lies  disks acknowledge writes they can lose (outside ZAB's
//                   fault model); with --expect-violation the run succeeds
//                   only if some seed reports a safety violation.
//   --marks         print the coverage marks (CAIRN_MARK) the seeds reached.
//   cairn-sim --scenario FILE... [--rewrite]
// runs scripted scenarios (sim/scenario.h) against their recorded output;
// --rewrite records the output instead.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <set>
#include <string>

#include "base/mark.h"
#include "sim/scenario.h"
#include "sim/sim_cluster.h"

namespace {

std::set<std::string>& Marks() {
  static std::set<std::string> marks;
  return marks;
}

void RecordMark(const char* name) { Marks().insert(name); }

bool ParseRange(const std::string& s, uint64_t* from, uint64_t* to) {
  size_t dots = s.find("..");
  if (dots == std::string::npos) return false;
  try {
    *from = std::stoull(s.substr(0, dots));
    *to = std::stoull(s.substr(dots + 2));
  } catch (const std::exception&) {
    return false;
  }
  return *from <= *to;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cairn-sim: Cairn's ZAB core in a seeded simulation of a hostile ensemble"};
  uint64_t seed = 0;
  std::string seeds;
  cairn::sim::SimOptions options;
  bool expect_violation = false;
  bool marks = false;
  app.add_option("--seed", seed, "run one seed");
  app.add_option("--seeds", seeds, "run seeds A..B (inclusive)");
  app.add_option("--steps", options.steps, "events in the chaos phase")->capture_default_str();
  app.add_option("--servers", options.servers, "3 or 5 (default: each seed chooses)")
      ->check(CLI::IsMember({0, 1, 3, 5}));
  app.add_flag("--storage-lies", options.storage_lies, "disks lose acknowledged writes on a crash");
  app.add_flag("--expect-violation", expect_violation, "succeed only if some seed finds a violation");
  app.add_flag("--trace", options.trace, "print the whole trace of a single seed");
  app.add_flag("--marks", marks, "print the coverage marks reached");
  std::vector<std::string> scenarios;
  bool rewrite = false;
  app.add_option("--scenario", scenarios, "scenario files to run");
  app.add_flag("--rewrite", rewrite, "record the scenarios' output");
  CLI11_PARSE(app, argc, argv);
  if (!scenarios.empty()) {
    int bad = 0;
    for (const auto& path : scenarios) {
      cairn::sim::ScenarioResult r = cairn::sim::RunScenario(path, rewrite);
      std::printf("%s %s\n", r.ok ? "ok" : "FAIL", path.c_str());
      if (!r.ok) {
        ++bad;
        std::printf("%s", r.diff.c_str());
      }
    }
    return bad == 0 ? 0 : 1;
  }
  options.echo = options.trace;

  uint64_t from = seed, to = seed;
  if (!seeds.empty() && !ParseRange(seeds, &from, &to)) {
    std::cerr << "cairn-sim: --seeds wants A..B, got '" << seeds << "'\n";
    return 2;
  }
  if (seeds.empty() && seed == 0) {
    std::cerr << "cairn-sim: give --seed N or --seeds A..B\n";
    return 2;
  }
  cairn::MarkHookSlot() = RecordMark;

  int failed = 0, safety = 0, gave_up = 0;
  for (uint64_t s = from; s <= to; ++s) {
    options.seed = s;
    cairn::sim::SimCluster cluster(options);
    cairn::sim::SimResult r = cluster.Run();
    bool single = from == to;
    if (r.linearizability_gave_up) ++gave_up;
    if (!r.ok) {
      ++failed;
      if (r.failure.rfind("no liveness", 0) != 0) ++safety;
      if (expect_violation && safety > 0) to = s;  // found what it looks for: stop here
      std::printf("FAIL seed %llu: %s\n  replay: cairn-sim --seed %llu --steps %lld%s%s%s\n",
                  static_cast<unsigned long long>(s), r.failure.c_str(), static_cast<unsigned long long>(s),
                  static_cast<long long>(options.steps),
                  options.servers ? (" --servers " + std::to_string(options.servers)).c_str() : "",
                  options.storage_lies ? " --storage-lies" : "", " --trace");
      if (single || !expect_violation) {
        std::printf("  swarm: %s\n", r.swarm.c_str());
        size_t from_line = options.trace ? r.trace.size() : r.trace.size() > 60 ? r.trace.size() - 60 : 0;
        for (size_t i = from_line; i < r.trace.size(); ++i) std::printf("  %s\n", r.trace[i].c_str());
      }
    } else if (single) {
      std::printf("ok seed %llu: %lld steps, %zu committed, %lld operations acknowledged, %lld elections, "
                  "%lld crashes\n  swarm: %s\n",
                  static_cast<unsigned long long>(s), static_cast<long long>(r.steps), r.committed,
                  static_cast<long long>(r.ops_acked), static_cast<long long>(r.elections),
                  static_cast<long long>(r.crashes), r.swarm.c_str());
    }
  }
  uint64_t runs = to - from + 1;
  if (from != to) {
    std::printf("%llu seeds, %d failed (%d safety); linearizability unchecked (search bound) in %d\n",
                static_cast<unsigned long long>(runs), failed, safety, gave_up);
  }
  if (marks) {
    for (const auto& m : Marks()) std::printf("mark %s\n", m.c_str());
  }
  if (expect_violation) return safety > 0 ? 0 : 1;
  return failed == 0 ? 0 : 1;
}
