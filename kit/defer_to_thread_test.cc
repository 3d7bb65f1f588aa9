// Reactor::defer_to_thread on MemoryReactor: the work waits in a FakeThreadPool until
// the test runs it, and its result comes back through call_from_thread on the next turn
// of the clock. (kit/live/live_thread_test.cc does the same on real threads.)
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "fakes/memory_reactor.h"
#include "kit/reactor.h"
#include "testing/deferred_assertions.h"

namespace kit {
namespace {

using testing::assert_no_result;
using testing::failure_result_of;
using testing::success_result_of;

TEST(DeferToThread, RunsWhenThePoolSaysAndFiresOnTheReactorTurn) {
  fakes::MemoryReactor reactor;
  Deferred<int> d = reactor.defer_to_thread([] { return 6 * 7; });
  EXPECT_EQ(reactor.thread_pool().pending(), 1u);
  assert_no_result(d);
  reactor.thread_pool().run_all();
  assert_no_result(d);  // the result waits for the reactor's thread
  reactor.clock().advance(Duration::zero());
  EXPECT_EQ(success_result_of(d), 42);
}

TEST(DeferToThread, ExceptionBecomesTheFailure) {
  fakes::MemoryReactor reactor;
  Deferred<std::string> d =
      reactor.defer_to_thread([]() -> std::string { throw std::runtime_error("disk on fire"); });
  reactor.thread_pool().run_all();
  reactor.clock().advance(Duration::zero());
  Failure failure = failure_result_of(d);
  EXPECT_EQ(failure.what(), "disk on fire");
  EXPECT_THROW(failure.rethrow(), std::runtime_error);
}

TEST(DeferToThread, VoidWork) {
  fakes::MemoryReactor reactor;
  int ran = 0;
  Deferred<void> d = reactor.defer_to_thread([&] { ++ran; });
  reactor.thread_pool().run_all();
  reactor.clock().advance(Duration::zero());
  EXPECT_EQ(ran, 1);
  success_result_of(d);
}

TEST(DeferToThread, CancelledBeforeTheResultDropsIt) {
  fakes::MemoryReactor reactor;
  Deferred<int> d = reactor.defer_to_thread([] { return 1; });
  d.cancel();
  EXPECT_TRUE(failure_result_of(d).is(errc::cancelled));
  reactor.thread_pool().run_all();
  reactor.clock().advance(Duration::zero());  // the late result is dropped quietly
}

}  // namespace
}  // namespace kit
