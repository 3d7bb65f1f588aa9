#include "kit/deferred_semaphore.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing/deferred_assertions.h"

namespace kit {
namespace {

using testing::assert_no_result;
using ::testing::ElementsAre;
using testing::failure_result_of;
using testing::success_result_of;

TEST(DeferredSemaphore, AcquireFiresAtOnceWhileTokensRemain) {
  DeferredSemaphore semaphore(2);
  success_result_of(semaphore.acquire());
  success_result_of(semaphore.acquire());
  EXPECT_EQ(semaphore.available(), 0u);
  Deferred<void> third = semaphore.acquire();
  assert_no_result(third);
  EXPECT_EQ(semaphore.waiting(), 1u);
  semaphore.release();
  success_result_of(third);
  EXPECT_EQ(semaphore.available(), 0u) << "the token went straight to the waiter";
}

TEST(DeferredSemaphore, WaitersAreServedInOrder) {
  DeferredLock lock;
  std::vector<int> order;
  success_result_of(lock.acquire());
  for (int i = 1; i <= 3; ++i) {
    (void)lock.acquire().add_callback([&order, i] { order.push_back(i); });
  }
  for (int i = 0; i < 3; ++i) lock.release();
  EXPECT_THAT(order, ElementsAre(1, 2, 3));
  EXPECT_TRUE(lock.locked());
  lock.release();
  EXPECT_FALSE(lock.locked());
}

TEST(DeferredSemaphore, ReleaseWithoutAcquireIsAnError) {
  DeferredSemaphore semaphore(1);
  EXPECT_THROW(semaphore.release(), std::logic_error);
  EXPECT_THROW(DeferredSemaphore(0), std::invalid_argument);
}

TEST(DeferredSemaphore, CancelledWaiterLeavesTheLine) {
  DeferredLock lock;
  success_result_of(lock.acquire());
  Deferred<void> cancelled = lock.acquire();
  Deferred<void> next = lock.acquire();
  cancelled.cancel();
  EXPECT_TRUE(failure_result_of(cancelled).is(errc::cancelled));
  EXPECT_EQ(lock.waiting(), 1u);
  lock.release();
  success_result_of(next);
}

TEST(DeferredSemaphore, RunLimitsConcurrencyAndReleasesOnFailureToo) {
  DeferredSemaphore jobs(1);
  Deferred<int> first_work;
  Deferred<int> first = jobs.run([&] { return first_work; });
  bool second_started = false;
  Deferred<int> second = jobs.run([&] {
    second_started = true;
    return 2;
  });
  EXPECT_FALSE(second_started);
  first_work.errback(Failure(errc::timed_out));
  EXPECT_TRUE(failure_result_of(first).is(errc::timed_out));
  EXPECT_TRUE(second_started);
  EXPECT_EQ(success_result_of(second), 2);
  EXPECT_EQ(jobs.available(), 1u);
}

TEST(DeferredSemaphore, DestructionFailsTheWaiters) {
  Deferred<void> waiting;
  {
    DeferredLock lock;
    success_result_of(lock.acquire());
    waiting = lock.acquire();
  }
  EXPECT_TRUE(failure_result_of(waiting).is(errc::cancelled));
}

}  // namespace
}  // namespace kit
