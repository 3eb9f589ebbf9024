// recipes/read_write_lock.h: a distributed read-write lock, compatible with
// Curator's InterProcessReadWriteLock on the same path.
//
// Layout: readers and writers queue in one directory (one sequence counter):
// "_c_<uuid>-__READ__NNNNNNNNNN" and "_c_<uuid>-__WRIT__NNNNNNNNNN". A writer
// holds when it is first and waits for its immediate predecessor. A reader
// holds when no writer is ahead of it and otherwise waits for the first
// writer in the queue, so readers behind one writer all go together when it
// leaves, and a writer is never starved by readers arriving after it.
//
// Both halves are reentrant Mutexes (mutex.h: fencing tokens, connection loss
// and expiry as there). A thread holding the write lock may take the read
// lock too (and then release the write lock: a downgrade). Taking the write
// lock while holding only the read lock waits forever, as in Curator.
#pragma once

#include <string>

#include "recipes/mutex.h"

namespace cairn::recipes {

class ReadWriteLock {
 public:
  ReadWriteLock(client::BlockingClient& zk, std::string path, std::string node_data = "");

  Mutex& read_lock() { return read_; }
  Mutex& write_lock() { return write_; }

 private:
  Mutex write_;  // first: the read rule asks it who holds it
  Mutex read_;
};

}  // namespace cairn::recipes
