// Drives a SnapshotWriterThread on the fault-injecting env: the chunks it is
// handed come back from the committed file in order, `done` arrives once
// through the owner's post, a stalled disk bounds the queue, a write error
// is reported once while the owner may still be pushing, destroying it
// early leaves neither snapshot nor temp file, and a paced writer keeps to
// its rate.
#include "zab/storage/snapshot_writer_thread.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "unit/support/fault_env.h"
#include "zab/storage/snapshot_file.h"

using cairn::Result;
using cairn::storage::ListSnapshots;
using cairn::storage::SnapshotReader;
using cairn::storage::SnapshotWriterThread;
using cairn::testing::FaultEnv;

namespace {

const std::string kDir = "/snaps";
constexpr int64_t kZxid = (int64_t{3} << 32) | 77;

// An owner thread: the io_context the writer posts its completion to.
struct Owner {
  Owner() { env.CreateDir(kDir); }

  std::unique_ptr<SnapshotWriterThread> Start(int64_t max_bytes_per_second = 0) {
    return std::make_unique<SnapshotWriterThread>(
        &env, kDir, kZxid,
        [this](std::function<void()> fn) { boost::asio::post(io, std::move(fn)); },
        [this](Result<int64_t> bytes) {
          ++done_calls;
          result = std::move(bytes);
        },
        max_bytes_per_second);
  }
  // Runs posted completions until `done` arrived (bounded).
  void AwaitDone() {
    for (int i = 0; i < 2000 && done_calls == 0; ++i) io.run_one_for(std::chrono::milliseconds(5));
    REQUIRE(done_calls == 1);
  }
  std::vector<std::string> Files() {
    std::vector<std::string> names;
    env.GetChildren(kDir, &names);
    std::vector<std::string> out;
    for (auto& n : names) {
      if (n != "." && n != "..") out.push_back(n);
    }
    return out;
  }

  FaultEnv env;
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  int done_calls = 0;
  std::optional<Result<int64_t>> result;
};

std::string Chunk(int i) { return std::string(1000 + i, static_cast<char>('a' + i % 26)); }

// Waits until the writer thread is blocked in an Append (bounded).
void AwaitHeldAppend(FaultEnv& env) {
  for (int i = 0; i < 2000 && env.appends_held() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  REQUIRE(env.appends_held() == 1);
}

}  // namespace

TEST_CASE("SnapshotWriterThread: the pushed chunks read back in order from the committed file",
          "[storage]") {
  Owner o;
  auto writer = o.Start();
  for (int i = 0; i < 20; ++i) writer->Push(Chunk(i));
  writer->Finish();
  o.AwaitDone();
  REQUIRE(o.result->has_value());
  int64_t bytes = o.result->value();

  auto listed = ListSnapshots(&o.env, kDir);
  REQUIRE(listed);
  REQUIRE(listed.value().size() == 1);
  CHECK(listed.value()[0].zxid == kZxid);
  uint64_t size = 0;
  REQUIRE(o.env.GetFileSize(listed.value()[0].path, &size).ok());
  CHECK(static_cast<int64_t>(size) == bytes);

  auto reader = SnapshotReader::Open(&o.env, listed.value()[0].path);
  REQUIRE(reader);
  CHECK(reader.value()->zxid() == kZxid);
  for (int i = 0; i < 20; ++i) {
    std::string chunk;
    auto more = reader.value()->Next(&chunk);
    REQUIRE(more);
    REQUIRE(more.value());
    CHECK(chunk == Chunk(i));
  }
  std::string chunk;
  auto more = reader.value()->Next(&chunk);
  REQUIRE(more);
  CHECK_FALSE(more.value());
  writer.reset();
  CHECK(o.done_calls == 1);  // destroying a finished writer reports nothing more
}

TEST_CASE("SnapshotWriterThread: a stalled disk fills the queue to its bound, then it drains",
          "[storage]") {
  Owner o;
  o.env.HoldAppends(true);
  auto writer = o.Start();
  // The header is the first append: the writer thread now waits on the disk.
  AwaitHeldAppend(o.env);
  int pushed = 0;
  while (writer->HasRoom() && pushed < 100) writer->Push(Chunk(pushed++));
  CHECK(pushed == static_cast<int>(SnapshotWriterThread::kQueuedChunksMax));
  o.env.HoldAppends(false);
  for (int i = 0; i < 2000 && !writer->HasRoom(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK(writer->HasRoom());
  writer->Push(Chunk(pushed++));
  writer->Finish();
  o.AwaitDone();
  REQUIRE(o.result->has_value());
  auto listed = ListSnapshots(&o.env, kDir);
  REQUIRE(listed);
  REQUIRE(listed.value().size() == 1);
}

TEST_CASE("SnapshotWriterThread: a write error is reported once and leaves no snapshot",
          "[storage]") {
  Owner o;
  o.env.FailWrites(true);
  auto writer = o.Start();
  // The owner keeps pushing until it learns of the failure; the thread
  // drains those chunks instead of blocking it.
  for (int i = 0; i < 30; ++i) {
    while (!writer->HasRoom()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    writer->Push(Chunk(i));
  }
  writer->Finish();
  o.AwaitDone();
  REQUIRE_FALSE(o.result->has_value());
  CHECK_THAT(o.result->error().message(), Catch::Contains("injected write failure"));
  writer.reset();
  for (int i = 0; i < 20; ++i) o.io.poll();
  CHECK(o.done_calls == 1);
  o.env.FailWrites(false);
  CHECK(o.Files().empty());
}

TEST_CASE("SnapshotWriterThread: destroyed before Finish, it reports nothing and leaves no file",
          "[storage]") {
  Owner o;
  auto writer = o.Start();
  for (int i = 0; i < 5; ++i) writer->Push(Chunk(i));
  SECTION("with the disk keeping up") {}
  SECTION("with the writer stuck on the disk at the moment of abandon") {
    o.env.HoldAppends(true);
    writer->Push(Chunk(5));
    AwaitHeldAppend(o.env);
    // Release from another thread once the destructor is waiting for the
    // writer to notice, as a slow disk eventually would.
    std::thread release([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      o.env.HoldAppends(false);
    });
    writer.reset();
    release.join();
  }
  writer.reset();
  for (int i = 0; i < 20; ++i) o.io.poll();
  CHECK(o.done_calls == 0);
  CHECK(o.Files().empty());
}

TEST_CASE("SnapshotWriterThread: paced, it writes no faster than its rate after the first burst",
          "[storage]") {
  Owner o;
  constexpr int64_t kRate = 8 << 20;
  constexpr int64_t kChunkBytes = 256 << 10;
  // The burst, then 2 MiB more: at 8 MiB/s those take at least 250 ms.
  constexpr int64_t kChunks = (SnapshotWriterThread::kBurstBytes + (2 << 20)) / kChunkBytes;
  auto began = std::chrono::steady_clock::now();
  auto writer = o.Start(kRate);
  for (int64_t i = 0; i < kChunks; ++i) {
    while (!writer->HasRoom()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    writer->Push(std::string(kChunkBytes, 'p'));
  }
  writer->Finish();
  for (int i = 0; i < 20000 && o.done_calls == 0; ++i) o.io.run_one_for(std::chrono::milliseconds(5));
  REQUIRE(o.done_calls == 1);
  auto took = std::chrono::steady_clock::now() - began;
  REQUIRE(o.result->has_value());
  CHECK(o.result->value() > kChunks * kChunkBytes);
  CHECK(took >= std::chrono::milliseconds(240));
}

TEST_CASE("SnapshotWriterThread: destroyed while it waits for its pace, it leaves no file",
          "[storage]") {
  Owner o;
  auto writer = o.Start(1 << 20);  // 1 MiB/s: the chunk after the burst waits seconds
  writer->Push(std::string(SnapshotWriterThread::kBurstBytes + (1 << 20), 'p'));
  writer->Push(Chunk(1));
  for (int i = 0; i < 2000 && writer->HasRoom() && o.Files().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  writer.reset();  // wakes the pacing wait; the destructor joins the thread
  for (int i = 0; i < 20; ++i) o.io.poll();
  CHECK(o.done_calls == 0);
  CHECK(o.Files().empty());
}
