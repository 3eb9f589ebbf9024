// recipes/semaphore.h: a counting semaphore whose permits are leases, laid
// out as Curator's InterProcessSemaphoreV2 (so the two share permits on one
// path, given the same max_leases).
//
// Layout: <path>/locks is a Mutex that serialises acquirers (so they are
// served in arrival order); <path>/leases holds one ephemeral-sequential
// "_c_<uuid>-lease-NNNNNNNNNN" per lease. An acquirer holding the mutex
// creates its lease node and waits (watching the lease children) until at
// most max_leases nodes exist, then releases the mutex and owns the lease.
// All users of one path must agree on max_leases.
//
// Connection loss and expiry: a lease is an ephemeral node, so it lasts as
// long as the session. While kSuspended, the lease may be lost at any moment
// (treat it as at risk); on kExpired it is gone. A lease whose create
// answer was lost is found again by its uuid, never doubled.
//
// Thread-safety: any thread may call Acquire; a Lease is used by one thread.
#pragma once

#include <chrono>
#include <string>

#include "recipes/mutex.h"

namespace cairn::recipes {

// One permit; released by Release() or when it goes out of scope.
class Lease {
 public:
  Lease() = default;
  Lease(client::BlockingClient* zk, std::string node) : zk_(zk), node_(std::move(node)) {}
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&& other) noexcept;
  ~Lease() { Release(); }

  // Deletes the lease node (in the background after connection loss).
  void Release();
  bool held() const { return zk_ != nullptr; }
  const std::string& node() const { return node_; }

 private:
  client::BlockingClient* zk_ = nullptr;
  std::string node_;
};

class Semaphore {
 public:
  Semaphore(client::BlockingClient& zk, std::string path, int max_leases,
            std::string node_data = "");

  // Blocks until a lease is free, or the session ends.
  client::Outcome<Lease> Acquire();
  // kOperationTimeout if no lease within `timeout`.
  client::Outcome<Lease> TryAcquire(std::chrono::milliseconds timeout);
  // The lease nodes that exist now (full paths).
  client::Outcome<std::vector<std::string>> Leases();

 private:
  client::Outcome<Lease> AcquireUntil(detail::Deadline deadline);

  client::BlockingClient& zk_;
  const std::string leases_dir_;
  const int max_leases_;
  const std::string node_data_;
  Mutex lock_;
};

}  // namespace cairn::recipes
