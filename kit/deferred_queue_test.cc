#include "kit/deferred_queue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "testing/deferred_assertions.h"

namespace kit {
namespace {

using testing::assert_no_result;
using testing::failure_result_of;
using testing::success_result_of;

TEST(DeferredQueue, GetBeforePutWaitsForTheItem) {
  DeferredQueue<std::string> queue;
  Deferred<std::string> got = queue.get();
  assert_no_result(got);
  success_result_of(queue.put("a"));
  EXPECT_EQ(success_result_of(got), "a");
  EXPECT_EQ(queue.size(), 0u);
}

TEST(DeferredQueue, ItemsComeOutInOrder) {
  DeferredQueue<int> queue;
  for (int i = 0; i < 3; ++i) success_result_of(queue.put(i));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(success_result_of(queue.get()), i);
}

TEST(DeferredQueue, PutWaitsWhileFullThatIsBackPressure) {
  DeferredQueue<int> queue(/*size=*/2);
  success_result_of(queue.put(1));
  success_result_of(queue.put(2));
  Deferred<void> third = queue.put(3);
  assert_no_result(third);
  EXPECT_EQ(queue.waiting_puts(), 1u);
  EXPECT_EQ(success_result_of(queue.get()), 1);
  success_result_of(third);
  EXPECT_EQ(success_result_of(queue.get()), 2);
  EXPECT_EQ(success_result_of(queue.get()), 3);
}

TEST(DeferredQueue, BacklogLimitsWaitingGets) {
  DeferredQueue<int> queue(DeferredQueue<int>::unbounded, /*backlog=*/1);
  Deferred<int> first = queue.get();
  Deferred<int> second = queue.get();
  EXPECT_TRUE(failure_result_of(second).is(errc::protocol_error));
  success_result_of(queue.put(5));
  EXPECT_EQ(success_result_of(first), 5);
}

TEST(DeferredQueue, CancelledGetAndPutLeaveTheLine) {
  DeferredQueue<int> queue(1);
  Deferred<int> get = queue.get();
  get.cancel();
  EXPECT_EQ(queue.waiting_gets(), 0u);
  failure_result_of(get);
  success_result_of(queue.put(1));
  Deferred<void> blocked = queue.put(2);
  blocked.cancel();
  failure_result_of(blocked);
  EXPECT_EQ(queue.waiting_puts(), 0u);
  EXPECT_EQ(success_result_of(queue.get()), 1);
  assert_no_result(queue.get().add_errback([](const Failure&) { return 0; }));
}

TEST(DeferredQueue, MoveOnlyItems) {
  DeferredQueue<std::unique_ptr<int>> queue;
  success_result_of(queue.put(std::make_unique<int>(4)));
  Deferred<int> value = queue.get().add_callback([](std::unique_ptr<int> p) { return *p; });
  EXPECT_EQ(success_result_of(value), 4);
}

TEST(DeferredQueue, DestructionFailsWaiters) {
  Deferred<int> waiting;
  {
    DeferredQueue<int> queue;
    waiting = queue.get();
  }
  EXPECT_TRUE(failure_result_of(waiting).is(errc::cancelled));
}

}  // namespace
}  // namespace kit
