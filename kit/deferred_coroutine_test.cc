// Deferred coroutines: the kit's inlineCallbacks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "fakes/fake_clock.h"
#include "kit/deferred.h"
#include "testing/log_capture.h"

namespace kit {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

Deferred<int> add_one(Deferred<int> input) {
  int x = co_await input;
  co_return x + 1;
}

TEST(DeferredCoroutine, AwaitingAFiredDeferredRunsToTheEndAtOnce) {
  Deferred<int> result = add_one(succeed(41));
  ASSERT_TRUE(result.has_result());
  EXPECT_EQ(*result.peek_value(), 42);
}

TEST(DeferredCoroutine, AwaitingAnUnfiredDeferredSuspendsUntilItFires) {
  Deferred<int> input;
  Deferred<int> result = add_one(input);
  EXPECT_FALSE(result.called());
  input.callback(9);
  EXPECT_EQ(*result.peek_value(), 10);
}

Deferred<std::string> describe(Deferred<int> a, Deferred<std::string> b) {
  int n = co_await a;
  std::string s = co_await b;
  co_return s + "=" + std::to_string(n);
}

TEST(DeferredCoroutine, AwaitsSeveralDeferredsOfDifferentTypes) {
  Deferred<int> a;
  Deferred<std::string> b;
  Deferred<std::string> result = describe(a, b);
  b.callback("b");  // fires first; the coroutine still waits on a
  EXPECT_FALSE(result.called());
  a.callback(1);
  EXPECT_EQ(*result.peek_value(), "b=1");
}

Deferred<int> throws_after(Deferred<int> input) {
  co_await input;
  throw std::runtime_error("coroutine failed");
}

TEST(DeferredCoroutine, ExceptionThrownInsideBecomesTheFailure) {
  Deferred<int> input;
  Deferred<int> result = throws_after(input);
  input.callback(0);
  ASSERT_NE(result.peek_failure(), nullptr);
  EXPECT_EQ(result.peek_failure()->what(), "coroutine failed");
  EXPECT_THROW(result.peek_failure()->rethrow(), std::runtime_error);
  result.mark_failure_observed();
}

Deferred<std::string> catches(Deferred<int> input) {
  try {
    co_await input;
    co_return "no failure";
  } catch (const FailureError& e) {
    co_return "caught " + e.failure().what();
  }
}

TEST(DeferredCoroutine, AwaitedFailureIsThrownAndCanBeCaught) {
  Deferred<int> input;
  Deferred<std::string> result = catches(input);
  input.errback(Failure(errc::connection_lost, "reading"));
  EXPECT_EQ(*result.peek_value(), "caught reading: connection lost");
  EXPECT_EQ(input.peek_failure(), nullptr) << "the coroutine handled the failure";
}

Deferred<void> naps(Clock& clock, std::vector<int>& seen) {
  seen.push_back(0);
  co_await clock.sleep(1s);
  seen.push_back(1);
  co_await clock.sleep(2s);
  seen.push_back(3);
}

TEST(DeferredCoroutine, SleepsOnTheFakeClock) {
  fakes::FakeClock clock;
  std::vector<int> seen;
  Deferred<void> done = naps(clock, seen);
  EXPECT_THAT(seen, ElementsAre(0));
  clock.advance(1s);
  EXPECT_THAT(seen, ElementsAre(0, 1));
  clock.advance(2s - 1ns);
  EXPECT_FALSE(done.called());
  clock.advance(1ns);
  EXPECT_THAT(seen, ElementsAre(0, 1, 3));
  EXPECT_TRUE(done.has_result());
}

// Counts live instances, to see coroutine frames (and their locals) go away.
struct Tracked {
  explicit Tracked(int& live) : live_(live) { ++live_; }
  ~Tracked() { --live_; }
  Tracked(const Tracked&) = delete;
  Tracked& operator=(const Tracked&) = delete;
  int& live_;
};

Deferred<int> holds_local(int& live, Deferred<int> input) {
  Tracked local(live);
  int x = co_await input;
  co_return x;
}

TEST(DeferredCoroutine, CancelCancelsWhatItAwaitsAndFreesTheFrame) {
  int live = 0;
  bool inner_cancelled = false;
  Deferred<int> input([&](Deferred<int>&) { inner_cancelled = true; });
  Deferred<int> result = holds_local(live, input);
  EXPECT_EQ(live, 1);
  result.cancel();
  EXPECT_TRUE(inner_cancelled);
  EXPECT_EQ(live, 0) << "the frame was destroyed";
  ASSERT_NE(result.peek_failure(), nullptr);
  EXPECT_TRUE(result.peek_failure()->is(errc::cancelled));
  result.mark_failure_observed();
}

TEST(DeferredCoroutine, FrameIsFreedWhenItFinishes) {
  int live = 0;
  Deferred<int> input;
  Deferred<int> result = holds_local(live, input);
  input.callback(3);
  EXPECT_EQ(live, 0);
  EXPECT_EQ(*result.peek_value(), 3);
}

Deferred<int> awaits_from(int& live, std::function<Deferred<int>()> source) {
  Tracked local(live);
  co_return co_await source();
}

// A coroutine's own handles (its parameters and locals) keep what it awaits alive; this
// is the case where only the producer held it, and the producer went away.
TEST(DeferredCoroutine, FrameIsFreedWhenTheProducerDropsWhatItAwaits) {
  int live = 0;
  auto producer = std::make_unique<Deferred<int>>();
  Deferred<int> result = awaits_from(live, [&] { return *producer; });
  EXPECT_EQ(live, 1);
  producer.reset();  // can never fire now
  EXPECT_EQ(live, 0);
  EXPECT_FALSE(result.called());
  result.cancel();  // safe after the frame is gone: a plain cancellation
  ASSERT_NE(result.peek_failure(), nullptr);
  EXPECT_TRUE(result.peek_failure()->is(errc::cancelled));
  result.mark_failure_observed();
}

Deferred<int> sum_of(std::vector<Deferred<int>> inputs) {
  int total = 0;
  for (Deferred<int>& d : inputs) total += co_await d;
  co_return total;
}

TEST(DeferredCoroutine, AwaitsAThousandFiredDeferreds) {
  std::vector<Deferred<int>> inputs;
  for (int i = 0; i < 1000; ++i) inputs.push_back(succeed(i));
  Deferred<int> total = sum_of(std::move(inputs));
  EXPECT_EQ(*total.peek_value(), 999 * 1000 / 2);
}

Deferred<void> unhandled(Deferred<int> input) { co_await input; }

TEST(DeferredCoroutine, UnhandledFailureOfACoroutineIsReported) {
  testing::LogCapture log;
  {
    Deferred<int> input;
    Deferred<void> done = unhandled(input);
    input.errback(Failure(errc::timed_out, "waiting"));
  }
  EXPECT_THAT(log.errors(), ElementsAre(AllOf(HasSubstr("waiting: timed out"),
                                              HasSubstr("deferred_coroutine_test.cc"),
                                              HasSubstr("unhandled(kit::Deferred<int>)"))));
}

}  // namespace
}  // namespace kit
