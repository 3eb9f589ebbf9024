// Checks watches through the C client: which operations trigger which event types and paths,
// one-shot delivery, per-session fan-out, ordering against reads, and watch removal.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "interop/c_client/client_fixture.h"

namespace cairn::interop {
namespace {

// Marks the completion of an asynchronous read in an EventLog shared with watch events.
constexpr int kReadCompletedMarker = 1000;

bool Is(const std::optional<Event>& event, int type, const std::string& path) {
  return event && event->type == type && event->path == path;
}

TEST_CASE("C client: a data watch fires once with ZOO_CHANGED_EVENT and the node's path",
          "[interop]") {
  TestRoot root;
  auto watcher = Connect();
  auto writer = Connect();
  REQUIRE(Create(writer->zh(), root.Path("n"), "0") == ZOK);
  EventLog* log = watcher->NewEventLog();
  char buffer[16];
  int length = sizeof(buffer);
  REQUIRE(zoo_wget(watcher->zh(), root.Path("n").c_str(), &EventLog::Watcher, log, buffer, &length,
                   nullptr) == ZOK);
  REQUIRE(zoo_set(writer->zh(), root.Path("n").c_str(), "1", 1, -1) == ZOK);
  std::optional<Event> event = log->TakeWatch();
  REQUIRE(event);
  CHECK(event->type == ZOO_CHANGED_EVENT);
  CHECK(event->state == ZOO_CONNECTED_STATE);
  CHECK(event->path == root.Path("n"));

  // One-shot: the second change is not reported until the watch is set again.
  REQUIRE(zoo_set(writer->zh(), root.Path("n").c_str(), "2", 1, -1) == ZOK);
  CHECK_FALSE(log->TakeWatch(kQuietPeriod));
  length = sizeof(buffer);
  REQUIRE(zoo_wget(watcher->zh(), root.Path("n").c_str(), &EventLog::Watcher, log, buffer, &length,
                   nullptr) == ZOK);
  CHECK(std::string(buffer, length) == "2");
  REQUIRE(zoo_set(writer->zh(), root.Path("n").c_str(), "3", 1, -1) == ZOK);
  CHECK(Is(log->TakeWatch(), ZOO_CHANGED_EVENT, root.Path("n")));
  CHECK(watcher->events().Pending().empty());
}

TEST_CASE("C client: an exists watch on a missing node fires ZOO_CREATED_EVENT", "[interop]") {
  TestRoot root;
  auto watcher = Connect();
  auto writer = Connect();
  EventLog* log = watcher->NewEventLog();
  REQUIRE(zoo_wexists(watcher->zh(), root.Path("later").c_str(), &EventLog::Watcher, log,
                      nullptr) == ZNONODE);
  REQUIRE(Create(writer->zh(), root.Path("later")) == ZOK);
  std::optional<Event> event = log->TakeWatch();
  REQUIRE(event);
  CHECK(event->type == ZOO_CREATED_EVENT);
  CHECK(event->path == root.Path("later"));
  REQUIRE(zoo_delete(writer->zh(), root.Path("later").c_str(), -1) == ZOK);
  CHECK_FALSE(log->TakeWatch(kQuietPeriod));
}

TEST_CASE(
    "C client: an exists watch on a present node fires ZOO_CHANGED_EVENT or "
    "ZOO_DELETED_EVENT",
    "[interop]") {
  TestRoot root;
  auto watcher = Connect();
  auto writer = Connect();
  REQUIRE(Create(writer->zh(), root.Path("n")) == ZOK);
  EventLog* log = watcher->NewEventLog();
  REQUIRE(zoo_wexists(watcher->zh(), root.Path("n").c_str(), &EventLog::Watcher, log, nullptr) ==
          ZOK);
  REQUIRE(zoo_set(writer->zh(), root.Path("n").c_str(), "x", 1, -1) == ZOK);
  CHECK(Is(log->TakeWatch(), ZOO_CHANGED_EVENT, root.Path("n")));
  REQUIRE(zoo_wexists(watcher->zh(), root.Path("n").c_str(), &EventLog::Watcher, log, nullptr) ==
          ZOK);
  REQUIRE(zoo_delete(writer->zh(), root.Path("n").c_str(), -1) == ZOK);
  CHECK(Is(log->TakeWatch(), ZOO_DELETED_EVENT, root.Path("n")));
}

TEST_CASE(
    "C client: a child watch fires ZOO_CHILD_EVENT for creates and deletes but not for "
    "data changes",
    "[interop]") {
  TestRoot root;
  auto watcher = Connect();
  auto writer = Connect();
  REQUIRE(Create(writer->zh(), root.Path("p")) == ZOK);
  REQUIRE(Create(writer->zh(), root.Path("p/old")) == ZOK);
  EventLog* log = watcher->NewEventLog();
  String_vector children{0, nullptr};
  Stat stat{};
  REQUIRE(zoo_wget_children2(watcher->zh(), root.Path("p").c_str(), &EventLog::Watcher, log,
                             &children, &stat) == ZOK);
  deallocate_String_vector(&children);
  CHECK(stat.numChildren == 1);

  REQUIRE(zoo_set(writer->zh(), root.Path("p/old").c_str(), "x", 1, -1) == ZOK);
  REQUIRE(zoo_set(writer->zh(), root.Path("p").c_str(), "x", 1, -1) == ZOK);
  CHECK_FALSE(log->TakeWatch(kQuietPeriod));

  REQUIRE(Create(writer->zh(), root.Path("p/new")) == ZOK);
  std::optional<Event> created = log->TakeWatch();
  REQUIRE(created);
  CHECK(created->type == ZOO_CHILD_EVENT);
  CHECK(created->path == root.Path("p"));

  REQUIRE(zoo_wget_children(watcher->zh(), root.Path("p").c_str(), &EventLog::Watcher, log,
                            &children) == ZOK);
  deallocate_String_vector(&children);
  REQUIRE(zoo_delete(writer->zh(), root.Path("p/old").c_str(), -1) == ZOK);
  CHECK(Is(log->TakeWatch(), ZOO_CHILD_EVENT, root.Path("p")));
}

TEST_CASE(
    "C client: deleting a node fires ZOO_DELETED_EVENT on its data and child watches and "
    "ZOO_CHILD_EVENT on its parent",
    "[interop]") {
  TestRoot root;
  auto watcher = Connect();
  auto writer = Connect();
  REQUIRE(Create(writer->zh(), root.Path("n")) == ZOK);
  EventLog* data_log = watcher->NewEventLog();
  EventLog* child_log = watcher->NewEventLog();
  EventLog* parent_log = watcher->NewEventLog();
  char buffer[8];
  int length = sizeof(buffer);
  REQUIRE(zoo_wget(watcher->zh(), root.Path("n").c_str(), &EventLog::Watcher, data_log, buffer,
                   &length, nullptr) == ZOK);
  String_vector children{0, nullptr};
  REQUIRE(zoo_wget_children(watcher->zh(), root.Path("n").c_str(), &EventLog::Watcher, child_log,
                            &children) == ZOK);
  deallocate_String_vector(&children);
  REQUIRE(zoo_wget_children(watcher->zh(), root.path().c_str(), &EventLog::Watcher, parent_log,
                            &children) == ZOK);
  deallocate_String_vector(&children);

  REQUIRE(zoo_delete(writer->zh(), root.Path("n").c_str(), -1) == ZOK);
  CHECK(Is(data_log->TakeWatch(), ZOO_DELETED_EVENT, root.Path("n")));
  CHECK(Is(child_log->TakeWatch(), ZOO_DELETED_EVENT, root.Path("n")));
  CHECK(Is(parent_log->TakeWatch(), ZOO_CHILD_EVENT, root.path()));
  CHECK_FALSE(data_log->TakeWatch(kQuietPeriod));
  CHECK(child_log->Pending().empty());
  CHECK(parent_log->Pending().empty());
}

TEST_CASE(
    "C client: watch=1 registers the global watcher, which gets the event with the "
    "connected state",
    "[interop]") {
  TestRoot root;
  auto watcher = Connect();
  auto writer = Connect();
  REQUIRE(Create(writer->zh(), root.Path("n")) == ZOK);
  char buffer[8];
  int length = sizeof(buffer);
  REQUIRE(zoo_get(watcher->zh(), root.Path("n").c_str(), 1, buffer, &length, nullptr) == ZOK);
  REQUIRE(zoo_exists(watcher->zh(), root.Path("m").c_str(), 1, nullptr) == ZNONODE);
  REQUIRE(zoo_set(writer->zh(), root.Path("n").c_str(), "x", 1, -1) == ZOK);
  REQUIRE(Create(writer->zh(), root.Path("m")) == ZOK);
  std::optional<Event> changed = watcher->events().TakeWatch();
  std::optional<Event> created = watcher->events().TakeWatch();
  REQUIRE(changed);
  REQUIRE(created);
  CHECK(changed->type == ZOO_CHANGED_EVENT);
  CHECK(changed->state == ZOO_CONNECTED_STATE);
  CHECK(changed->path == root.Path("n"));
  CHECK(created->type == ZOO_CREATED_EVENT);
  CHECK(created->path == root.Path("m"));
}

TEST_CASE("C client: a watch event is delivered before the result of a later read", "[interop]") {
  TestRoot root;
  auto watcher = Connect();
  auto writer = Connect();
  REQUIRE(Create(writer->zh(), root.Path("n"), "0") == ZOK);
  for (int round = 1; round <= 10; ++round) {
    INFO("round " << round);
    EventLog* log = watcher->NewEventLog();
    char buffer[16];
    int length = sizeof(buffer);
    REQUIRE(zoo_wget(watcher->zh(), root.Path("n").c_str(), &EventLog::Watcher, log, buffer,
                     &length, nullptr) == ZOK);
    const std::string value = std::to_string(round);
    REQUIRE(zoo_set(writer->zh(), root.Path("n").c_str(), value.data(),
                    static_cast<int>(value.size()), -1) == ZOK);
    REQUIRE(zoo_aget(
                watcher->zh(), root.Path("n").c_str(), 0,
                [](int rc, const char* data, int data_length, const Stat*, const void* context) {
                  std::string read = rc == ZOK && data_length > 0 ? std::string(data, data_length)
                                                                  : "rc " + std::to_string(rc);
                  static_cast<EventLog*>(const_cast<void*>(context))
                      ->Add(Event{kReadCompletedMarker, rc, read});
                },
                log) == ZOK);
    REQUIRE(Eventually([&] { return log->Pending().size() >= 2; }));
    std::vector<Event> order = log->Pending();
    REQUIRE(order.size() == 2);
    CHECK(order[0].type == ZOO_CHANGED_EVENT);
    CHECK(order[0].path == root.Path("n"));
    CHECK(order[1].type == kReadCompletedMarker);
    CHECK(order[1].path == value);
  }
}

TEST_CASE("C client: events of one session arrive in the order of the changes", "[interop]") {
  TestRoot root;
  auto watcher = Connect();
  auto writer = Connect();
  const std::vector<std::string> names = {"x", "y", "z", "w"};
  EventLog* log = watcher->NewEventLog();
  for (const std::string& name : names) {
    REQUIRE(Create(writer->zh(), root.Path(name)) == ZOK);
    REQUIRE(zoo_wexists(watcher->zh(), root.Path(name).c_str(), &EventLog::Watcher, log, nullptr) ==
            ZOK);
  }
  const std::vector<std::string> order = {"z", "x", "w", "y"};
  for (const std::string& name : order) {
    REQUIRE(zoo_set(writer->zh(), root.Path(name).c_str(), "v", 1, -1) == ZOK);
  }
  REQUIRE(Eventually([&] { return log->Pending().size() >= order.size(); }));
  std::vector<Event> events = log->Pending();
  REQUIRE(events.size() == order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    CHECK(events[i].type == ZOO_CHANGED_EVENT);
    CHECK(events[i].path == root.Path(order[i]));
  }
}

TEST_CASE("C client: every session watching a node gets its own event, the writer's included",
          "[interop]") {
  TestRoot root;
  auto first = Connect();
  auto second = Connect();
  REQUIRE(Create(first->zh(), root.Path("n")) == ZOK);
  EventLog* first_log = first->NewEventLog();
  EventLog* second_log = second->NewEventLog();
  REQUIRE(zoo_wexists(first->zh(), root.Path("n").c_str(), &EventLog::Watcher, first_log,
                      nullptr) == ZOK);
  REQUIRE(zoo_wexists(second->zh(), root.Path("n").c_str(), &EventLog::Watcher, second_log,
                      nullptr) == ZOK);
  REQUIRE(zoo_set(second->zh(), root.Path("n").c_str(), "x", 1, -1) == ZOK);
  CHECK(Is(first_log->TakeWatch(), ZOO_CHANGED_EVENT, root.Path("n")));
  CHECK(Is(second_log->TakeWatch(), ZOO_CHANGED_EVENT, root.Path("n")));
}

TEST_CASE("C client: a data watch ignores changes to the node's children", "[interop]") {
  TestRoot root;
  auto watcher = Connect();
  auto writer = Connect();
  REQUIRE(Create(writer->zh(), root.Path("p")) == ZOK);
  EventLog* log = watcher->NewEventLog();
  REQUIRE(zoo_wexists(watcher->zh(), root.Path("p").c_str(), &EventLog::Watcher, log, nullptr) ==
          ZOK);
  REQUIRE(Create(writer->zh(), root.Path("p/c")) == ZOK);
  REQUIRE(zoo_delete(writer->zh(), root.Path("p/c").c_str(), -1) == ZOK);
  CHECK_FALSE(log->TakeWatch(kQuietPeriod));
  REQUIRE(zoo_set(writer->zh(), root.Path("p").c_str(), "x", 1, -1) == ZOK);
  CHECK(Is(log->TakeWatch(), ZOO_CHANGED_EVENT, root.Path("p")));
}

TEST_CASE("C client: zoo_remove_watches stops a data watch while the child watch stays",
          "[interop]") {
  TestRoot root;
  auto watcher = Connect();
  auto writer = Connect();
  REQUIRE(Create(writer->zh(), root.Path("n")) == ZOK);
  EventLog* data_log = watcher->NewEventLog();
  EventLog* child_log = watcher->NewEventLog();
  REQUIRE(zoo_wexists(watcher->zh(), root.Path("n").c_str(), &EventLog::Watcher, data_log,
                      nullptr) == ZOK);
  String_vector children{0, nullptr};
  REQUIRE(zoo_wget_children(watcher->zh(), root.Path("n").c_str(), &EventLog::Watcher, child_log,
                            &children) == ZOK);
  deallocate_String_vector(&children);

  CHECK(zoo_remove_watches(watcher->zh(), root.Path("n").c_str(), ZWATCHTYPE_DATA,
                           &EventLog::Watcher, data_log, 0) == ZOK);
  CHECK(zoo_remove_watches(watcher->zh(), root.Path("n").c_str(), ZWATCHTYPE_DATA,
                           &EventLog::Watcher, data_log, 0) == ZNOWATCHER);
  REQUIRE(zoo_set(writer->zh(), root.Path("n").c_str(), "x", 1, -1) == ZOK);
  REQUIRE(Create(writer->zh(), root.Path("n/c")) == ZOK);
  CHECK(Is(child_log->TakeWatch(), ZOO_CHILD_EVENT, root.Path("n")));
  CHECK_FALSE(data_log->TakeWatch(kQuietPeriod));
  // Removed watchers are not told about it.
  CHECK(data_log->Pending().empty());
}

TEST_CASE("C client: zoo_remove_all_watches clears every watch on a path and only there",
          "[interop]") {
  TestRoot root;
  auto watcher = Connect();
  auto writer = Connect();
  REQUIRE(Create(writer->zh(), root.Path("n")) == ZOK);
  REQUIRE(Create(writer->zh(), root.Path("other")) == ZOK);
  EventLog* log = watcher->NewEventLog();
  EventLog* other_log = watcher->NewEventLog();
  char buffer[8];
  int length = sizeof(buffer);
  REQUIRE(zoo_wget(watcher->zh(), root.Path("n").c_str(), &EventLog::Watcher, log, buffer, &length,
                   nullptr) == ZOK);
  String_vector children{0, nullptr};
  REQUIRE(zoo_wget_children(watcher->zh(), root.Path("n").c_str(), &EventLog::Watcher, log,
                            &children) == ZOK);
  deallocate_String_vector(&children);
  REQUIRE(zoo_wexists(watcher->zh(), root.Path("other").c_str(), &EventLog::Watcher, other_log,
                      nullptr) == ZOK);

  CHECK(zoo_remove_all_watches(watcher->zh(), root.Path("n").c_str(), ZWATCHTYPE_ANY, 0) == ZOK);
  CHECK(zoo_remove_all_watches(watcher->zh(), root.Path("n").c_str(), ZWATCHTYPE_ANY, 0) ==
        ZNOWATCHER);
  REQUIRE(zoo_set(writer->zh(), root.Path("n").c_str(), "x", 1, -1) == ZOK);
  REQUIRE(Create(writer->zh(), root.Path("n/c")) == ZOK);
  REQUIRE(zoo_set(writer->zh(), root.Path("other").c_str(), "x", 1, -1) == ZOK);
  CHECK(Is(other_log->TakeWatch(), ZOO_CHANGED_EVENT, root.Path("other")));
  CHECK_FALSE(log->TakeWatch(kQuietPeriod));
}

}  // namespace
}  // namespace cairn::interop
