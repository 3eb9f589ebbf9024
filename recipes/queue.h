// recipes/queue.h: a distributed FIFO queue, ZooKeeper's queue recipe.
//
// Layout: each item is a persistent-sequential child <path>/queue-NNNNNNNNNN
// holding the item's bytes as they are (the directory is a container). This
// is not Curator's DistributedQueue format, which frames each item's bytes:
// do not share a path with it. The
// lowest sequence is the head. A consumer reads the head and takes it by
// deleting it: only one consumer's delete succeeds, the others move on to the
// next item. Consumers wait on a child watch when the queue is empty.
//
// Connection loss: items are persistent, so they survive sessions. An item's
// Put whose answer was lost may or may not have been added (Put returns
// kConnectionLoss: not retried, as a retry could add it twice). A Take rides
// out connection loss until it deletes an item; one whose delete answer was
// lost cannot know whether the item was taken by it, so it reports
// kConnectionLoss and the item may be gone: delivery is at most once. (Where an item must never be
// lost, process it before deleting it, with a Mutex around the pair.)
//
// Thread-safety: any thread may call any method.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "client-lib/blocking_client.h"

namespace cairn::recipes {

class Queue {
 public:
  Queue(client::BlockingClient& zk, std::string path);

  // Appends an item; returns its znode's path.
  client::Outcome<std::string> Put(std::string data);
  // Removes and returns the head, waiting while the queue is empty;
  // kOperationTimeout if nothing came within `timeout` (negative: forever).
  client::Outcome<std::string> Take(
      std::chrono::milliseconds timeout = std::chrono::milliseconds(-1));
  // The head without removing it; kNoNode when empty.
  client::Outcome<std::string> Peek();
  client::Outcome<size_t> Size();

 private:
  // Items' names, in order (the directory missing counts as empty).
  client::Outcome<std::vector<std::string>> Items(client::Watcher watcher);

  client::BlockingClient& zk_;
  const std::string path_;
};

}  // namespace cairn::recipes
