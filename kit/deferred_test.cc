#include "kit/deferred.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "fakes/fake_clock.h"
#include "testing/log_capture.h"

namespace kit {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using namespace std::chrono_literals;

// ---- the chain

TEST(Deferred, CallbacksRunInOrderWhenFired) {
  std::vector<int> seen;
  Deferred<int> d;
  d.add_callback([&](int x) {
    seen.push_back(x);
    return x + 1;
  });
  d.add_callback([&](int x) {
    seen.push_back(x);
    return x * 10;
  });
  EXPECT_TRUE(seen.empty());
  EXPECT_FALSE(d.called());
  d.callback(1);
  EXPECT_THAT(seen, ElementsAre(1, 2));
  ASSERT_NE(d.peek_value(), nullptr);
  EXPECT_EQ(*d.peek_value(), 20);
}

TEST(Deferred, CallbackAddedAfterFiringRunsAtOnce) {
  Deferred<int> d;
  d.callback(5);
  int seen = 0;
  d.add_callback([&](int x) { seen = x; });
  EXPECT_EQ(seen, 5);
}

TEST(Deferred, CallbackMayChangeTheType) {
  Deferred<int> d;
  Deferred<std::string> s = d.add_callback([](int x) { return std::to_string(x) + "!"; });
  d.callback(7);
  ASSERT_NE(s.peek_value(), nullptr);
  EXPECT_EQ(*s.peek_value(), "7!");
}

TEST(Deferred, HandleOfTheOldTypeCannotAddCallbacks) {
  Deferred<int> d;
  Deferred<std::string> s = d.add_callback([](int x) { return std::to_string(x); });
  try {
    d.add_callback([](int x) { return x; });
    FAIL() << "an int callback was added to a chain that now carries strings";
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("Deferred<int>"));
    EXPECT_THAT(e.what(), HasSubstr("string"));
  }
  d.callback(1);  // the first type still fires the chain
  EXPECT_EQ(*s.peek_value(), "1");
}

TEST(Deferred, MoveOnlyValuesFlowThroughTheChain) {
  Deferred<std::unique_ptr<int>> d;
  Deferred<int> n = d.add_callback([](std::unique_ptr<int> p) { return *p + 1; });
  d.callback(std::make_unique<int>(41));
  EXPECT_EQ(*n.peek_value(), 42);
}

TEST(Deferred, FiringTwiceIsAnError) {
  Deferred<int> d;
  d.callback(1);
  EXPECT_THROW(d.callback(2), AlreadyCalledError);
  EXPECT_THROW(d.errback(Failure(errc::cancelled)), AlreadyCalledError);
}

TEST(Deferred, VoidDeferred) {
  Deferred<void> d;
  int calls = 0;
  d.add_callback([&] { ++calls; });
  d.callback();
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(d.has_result());
}

// ---- failures

TEST(Deferred, FailureSkipsCallbacksAndReachesErrback) {
  std::vector<std::string> seen;
  Deferred<int> d;
  d.add_callback([&](int x) {
    seen.push_back("callback");
    return x;
  });
  d.add_errback([&](const Failure& f) {
    seen.push_back("errback: " + f.what());
    return -1;
  });
  d.errback(Failure(errc::connection_lost, "reading"));
  EXPECT_THAT(seen, ElementsAre("errback: reading: connection lost"));
  EXPECT_EQ(*d.peek_value(), -1);
}

TEST(Deferred, ErrbackRecoversAndTheChainGoesOnWithValues) {
  Deferred<int> d;
  Deferred<int> recovered = d.add_errback([](const Failure&) { return 0; });
  Deferred<int> doubled = recovered.add_callback([](int x) { return x + 100; });
  d.errback(Failure(errc::timed_out));
  EXPECT_EQ(*doubled.peek_value(), 100);
}

TEST(Deferred, CallbackReturningFailureSwitchesToErrbacks) {
  Deferred<int> d;
  bool second_callback = false;
  std::string failure_text;
  d.add_callback([](int) { return Failure(errc::protocol_error, "bad answer"); })
      .add_callback([&](int x) {
        second_callback = true;
        return x;
      })
      .add_errback([&](const Failure& f) {
        failure_text = f.what();
        return 0;
      });
  d.callback(1);
  EXPECT_FALSE(second_callback);
  EXPECT_EQ(failure_text, "bad answer: protocol error");
}

TEST(Deferred, ExceptionInCallbackBecomesFailure) {
  Deferred<int> d;
  Deferred<int> after = d.add_callback([](int) -> int { throw std::runtime_error("boom"); });
  d.callback(1);
  ASSERT_NE(after.peek_failure(), nullptr);
  EXPECT_TRUE(after.peek_failure()->is(errc::exception));
  EXPECT_EQ(after.peek_failure()->what(), "boom");
  after.mark_failure_observed();
}

TEST(Deferred, ErrbackCanPassTheFailureOnByRethrowing) {
  Deferred<int> d;
  Deferred<int> after = d.add_errback([](const Failure& f) -> int {
    if (f.is(errc::timed_out)) return 0;
    f.rethrow();
  });
  d.errback(Failure(errc::cancelled));
  ASSERT_NE(after.peek_failure(), nullptr);
  EXPECT_TRUE(after.peek_failure()->is(errc::cancelled));
  after.mark_failure_observed();
}

TEST(Deferred, AddBothSeesValuesAndFailures) {
  std::vector<std::string> seen;
  auto note = [&](Outcome<int> outcome) -> Outcome<int> {
    seen.push_back(outcome.has_value() ? "value" : "failure");
    return outcome;
  };
  Deferred<int> ok;
  ok.add_both(note);
  ok.callback(1);
  Deferred<int> bad;
  Deferred<int> after = bad.add_both(note).add_errback([](const Failure&) { return 0; });
  bad.errback(Failure(errc::cancelled));
  EXPECT_THAT(seen, ElementsAre("value", "failure"));
}

TEST(Deferred, CallbackMayReturnAnOutcomeDecidedAtRunTime) {
  auto check = [](int x) -> Outcome<int> {
    if (x < 0) return Failure(errc::protocol_error, "negative");
    return x;
  };
  Deferred<int> good;
  Deferred<int> good_after = good.add_callback(check);
  good.callback(3);
  EXPECT_EQ(*good_after.peek_value(), 3);
  Deferred<int> bad;
  Deferred<int> bad_after = bad.add_callback(check);
  bad.callback(-3);
  ASSERT_NE(bad_after.peek_failure(), nullptr);
  EXPECT_EQ(bad_after.peek_failure()->message(), "negative");
  bad_after.mark_failure_observed();
}

// ---- chaining Deferreds

TEST(Deferred, CallbackReturningADeferredThatFiresLaterPausesTheChain) {
  Deferred<int> inner;
  Deferred<int> outer;
  std::vector<std::string> seen;
  outer
      .add_callback([&](int) {
        seen.push_back("returns inner");
        return inner;
      })
      .add_callback([&](int x) {
        seen.push_back("got " + std::to_string(x));
        return x;
      });
  outer.callback(1);
  EXPECT_TRUE(outer.paused());
  EXPECT_FALSE(outer.has_result());
  EXPECT_THAT(seen, ElementsAre("returns inner"));
  inner.callback(99);
  EXPECT_FALSE(outer.paused());
  EXPECT_THAT(seen, ElementsAre("returns inner", "got 99"));
}

TEST(Deferred, CallbackReturningAFiredDeferredContinuesAtOnce) {
  Deferred<int> outer;
  Deferred<std::string> after =
      outer.add_callback([](int x) { return succeed(std::to_string(x)); });
  outer.callback(4);
  EXPECT_EQ(*after.peek_value(), "4");
}

TEST(Deferred, FailureOfTheWaitedDeferredContinuesTheErrbacks) {
  Deferred<int> inner;
  Deferred<int> outer;
  std::string seen;
  outer.add_callback([&](int) { return inner; }).add_errback([&](const Failure& f) {
    seen = f.what();
    return 0;
  });
  outer.callback(0);
  inner.errback(Failure(errc::connection_lost));
  EXPECT_EQ(seen, "connection lost");
  EXPECT_EQ(inner.peek_failure(), nullptr) << "the outer chain took the failure";
}

TEST(Deferred, CallbackReturningItsOwnDeferredFails) {
  Deferred<int> d;
  Deferred<int> self = d;
  Deferred<int> after = d.add_callback([self](int) { return self; });
  d.callback(1);
  ASSERT_NE(after.peek_failure(), nullptr);
  EXPECT_THAT(after.peek_failure()->what(), HasSubstr("same Deferred"));
  after.mark_failure_observed();
}

// ---- cancellation

TEST(Deferred, CancelRunsTheCancellerWhichMayFire) {
  int cancels = 0;
  Deferred<int> d([&](Deferred<int>& self) {
    ++cancels;
    self.callback(-1);
  });
  d.cancel();
  EXPECT_EQ(cancels, 1);
  EXPECT_EQ(*d.peek_value(), -1);
}

TEST(Deferred, CancelWithoutResultFailsWithCancelledAndSwallowsOneLateResult) {
  Deferred<int> d;
  d.cancel();
  ASSERT_NE(d.peek_failure(), nullptr);
  EXPECT_TRUE(d.peek_failure()->is(errc::cancelled));
  d.mark_failure_observed();
  d.callback(1);  // the producer did not know: dropped, no AlreadyCalledError
  EXPECT_THROW(d.callback(2), AlreadyCalledError);
}

TEST(Deferred, CancelAfterResultDoesNothing) {
  int cancels = 0;
  Deferred<int> d([&](Deferred<int>&) { ++cancels; });
  d.callback(3);
  d.cancel();
  EXPECT_EQ(cancels, 0);
  EXPECT_EQ(*d.peek_value(), 3);
}

TEST(Deferred, CancelDuringAWaitCancelsTheWaitedDeferred) {
  bool inner_cancelled = false;
  Deferred<int> inner([&](Deferred<int>&) { inner_cancelled = true; });
  Deferred<int> outer;
  std::string seen;
  outer.add_callback([&](int) { return inner; }).add_errback([&](const Failure& f) {
    seen = f.what();
    return 0;
  });
  outer.callback(1);
  outer.cancel();
  EXPECT_TRUE(inner_cancelled);
  EXPECT_EQ(seen, "cancelled");
}

// ---- timeouts

TEST(Deferred, TimeoutFiresExactlyAtTheDeadlineAndNotATickBefore) {
  fakes::FakeClock clock;
  Deferred<int> d;
  Deferred<int> timed = d.add_timeout(10s, clock);
  clock.advance(10s - 1ns);
  EXPECT_FALSE(timed.called());
  clock.advance(1ns);
  ASSERT_NE(timed.peek_failure(), nullptr);
  EXPECT_TRUE(timed.peek_failure()->is(errc::timed_out));
  timed.mark_failure_observed();
  d.callback(5);  // a late result after the timeout is dropped
}

TEST(Deferred, ResultBeforeTheTimeoutCancelsTheTimer) {
  fakes::FakeClock clock;
  Deferred<int> d;
  Deferred<int> timed = d.add_timeout(10s, clock);
  clock.advance(3s);
  d.callback(8);
  EXPECT_EQ(clock.pending(), 0u);
  EXPECT_EQ(*timed.peek_value(), 8);
}

TEST(Deferred, OtherCancellationIsNotReportedAsTimeout) {
  fakes::FakeClock clock;
  Deferred<int> d;
  Deferred<int> timed = d.add_timeout(10s, clock);
  d.cancel();
  ASSERT_NE(timed.peek_failure(), nullptr);
  EXPECT_TRUE(timed.peek_failure()->is(errc::cancelled));
  timed.mark_failure_observed();
  EXPECT_EQ(clock.pending(), 0u);
}

// ---- unhandled failures

TEST(Deferred, UnhandledFailureIsReportedOnceWhenTheChainIsDestroyed) {
  testing::LogCapture log;
  {
    Deferred<int> d;
    Deferred<int> copy = d;
    d.errback(Failure(errc::connection_lost, "reading the reply"));
    EXPECT_THAT(log.errors(), IsEmpty()) << "not while a handle is alive";
  }
  EXPECT_THAT(log.errors(), ElementsAre(AllOf(HasSubstr("Unhandled error in Deferred"),
                                              HasSubstr("deferred_test.cc"),
                                              HasSubstr("reading the reply: connection lost"))));
}

TEST(Deferred, HandledFailureIsNotReported) {
  testing::LogCapture log;
  {
    Deferred<int> d;
    d.add_errback([](const Failure&) { return 0; });
    d.errback(Failure(errc::connection_lost));
  }
  EXPECT_THAT(log.errors(), IsEmpty());
}

// ---- helpers

TEST(Deferred, SucceedAndFail) {
  Deferred<int> ok = succeed(3);
  EXPECT_EQ(*ok.peek_value(), 3);
  Deferred<int> bad = fail<int>(Failure(errc::cancelled));
  ASSERT_NE(bad.peek_failure(), nullptr);
  bad.mark_failure_observed();
  Deferred<void> done = succeed();
  EXPECT_TRUE(done.has_result());
}

TEST(Deferred, MaybeDeferredWrapsValuesDeferredsAndExceptions) {
  Deferred<int> value = maybe_deferred([] { return 1; });
  EXPECT_EQ(*value.peek_value(), 1);
  Deferred<int> pending;
  Deferred<int> passed = maybe_deferred([&] { return pending; });
  EXPECT_FALSE(passed.called());
  Deferred<int> thrown = maybe_deferred([]() -> int { throw std::out_of_range("nope"); });
  ASSERT_NE(thrown.peek_failure(), nullptr);
  EXPECT_EQ(thrown.peek_failure()->what(), "nope");
  thrown.mark_failure_observed();
  Deferred<void> nothing = maybe_deferred([] {});
  EXPECT_TRUE(nothing.has_result());
}

TEST(Deferred, DeferLaterFiresAfterTheDelay) {
  fakes::FakeClock clock;
  Deferred<std::string> d = defer_later(clock, 2s, [] { return std::string("late"); });
  clock.advance(1s);
  EXPECT_FALSE(d.called());
  clock.advance(1s);
  EXPECT_EQ(*d.peek_value(), "late");
}

TEST(Deferred, CancellingDeferLaterCancelsTheCall) {
  fakes::FakeClock clock;
  bool ran = false;
  Deferred<void> d = defer_later(clock, 2s, [&] { ran = true; });
  d.cancel();
  clock.advance(5s);
  EXPECT_FALSE(ran);
  EXPECT_EQ(clock.pending(), 0u);
  d.mark_failure_observed();
}

}  // namespace
}  // namespace kit
