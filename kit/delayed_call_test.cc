#include "kit/delayed_call.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "fakes/fake_clock.h"
#include "kit/clock.h"

namespace kit {
namespace {

using fakes::FakeClock;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::Pair;

TimePoint at(Duration d) { return TimePoint(d); }

// Records (name, now()) for each call, to check both order and time.
struct Log {
  explicit Log(FakeClock& clock) : clock(clock) {}
  FakeClock& clock;
  std::vector<std::pair<std::string, Duration>> entries;
  unique_function<void()> entry(std::string name) {
    return [this, name = std::move(name)] {
      entries.emplace_back(name, clock.now().time_since_epoch());
    };
  }
};

TEST(DelayedCall, EmptyHandleIsInactiveAndRefusesToReschedule) {
  DelayedCall call;
  EXPECT_FALSE(call.active());
  EXPECT_FALSE(call.cancel());
  EXPECT_EQ(call.deadline(), TimePoint{});
  EXPECT_THROW(call.reset(seconds(1)), std::logic_error);
  EXPECT_THROW(call.delay(seconds(1)), std::logic_error);
  call.detach();  // harmless
}

TEST(DelayedCall, CallLaterGivesAnActiveHandleWithItsDeadline) {
  FakeClock clock;
  clock.advance(seconds(2));
  DelayedCall call = clock.call_later(seconds(1), [] {});
  EXPECT_TRUE(call.active());
  EXPECT_EQ(call.deadline(), at(seconds(3)));
}

TEST(DelayedCall, CallLaterRejectsNegativeDelayEmptyFunctionAndOverflow) {
  FakeClock clock;
  clock.advance(seconds(1));
  EXPECT_THROW((void)clock.call_later(Duration(-1), [] {}), std::invalid_argument);
  EXPECT_THROW((void)clock.call_later(seconds(1), nullptr), std::invalid_argument);
  EXPECT_THROW((void)clock.call_later(Duration::max(), [] {}), std::invalid_argument);
  EXPECT_EQ(clock.pending(), 0u);
}

TEST(DelayedCall, CancelReturnsWhetherTheCallWasPending) {
  FakeClock clock;
  int runs = 0;
  DelayedCall call = clock.call_later(seconds(1), [&] { ++runs; });
  EXPECT_TRUE(call.cancel());
  EXPECT_FALSE(call.active());
  EXPECT_FALSE(call.cancel()) << "already cancelled";
  clock.advance(seconds(1));
  EXPECT_EQ(runs, 0);

  DelayedCall ran = clock.call_later(seconds(1), [&] { ++runs; });
  clock.advance(seconds(1));
  EXPECT_EQ(runs, 1);
  EXPECT_FALSE(ran.cancel()) << "already ran";
}

TEST(DelayedCall, CancelDestroysWhatTheCallCaptured) {
  FakeClock clock;
  auto captured = std::make_shared<int>(0);
  DelayedCall call = clock.call_later(seconds(1), [captured] {});
  ASSERT_EQ(captured.use_count(), 2);
  call.cancel();
  EXPECT_EQ(captured.use_count(), 1);
}

TEST(DelayedCall, ResetLaterReschedulesFromNow) {
  // Twisted's testCallLaterResetLater.
  FakeClock clock;
  Log log{clock};
  DelayedCall call = clock.call_later(seconds(2), log.entry("a"));
  clock.advance(seconds(1));
  call.reset(seconds(3));
  EXPECT_EQ(call.deadline(), at(seconds(4)));
  clock.advance(seconds(2));
  EXPECT_TRUE(log.entries.empty());
  clock.advance(seconds(1));
  EXPECT_THAT(log.entries, ElementsAre(Pair("a", seconds(4))));
}

TEST(DelayedCall, ResetSoonerRunsSooner) {
  FakeClock clock;
  Log log{clock};
  DelayedCall call = clock.call_later(seconds(4), log.entry("a"));
  call.reset(seconds(3));
  EXPECT_EQ(call.deadline(), at(seconds(3)));
  clock.advance(seconds(3));
  EXPECT_THAT(log.entries, ElementsAre(Pair("a", seconds(3))));
}

TEST(DelayedCall, ResetKeepsCallsOrderedWithCallsScheduledBeforeOrAfter) {
  // Twisted's test_callLaterKeepsCallsOrdered and test_callLaterResetKeepsCallsOrdered.
  for (bool reset_first : {true, false}) {
    FakeClock clock;
    Log log{clock};
    DelayedCall a = clock.call_later(seconds(1), log.entry("a"));
    if (reset_first) a.reset(seconds(3));
    DelayedCall b = clock.call_later(seconds(2), log.entry("b"));
    if (!reset_first) a.reset(seconds(3));
    clock.pump({seconds(1), seconds(1), seconds(1)});
    EXPECT_THAT(log.entries, ElementsAre(Pair("b", seconds(2)), Pair("a", seconds(3))));
  }
}

TEST(DelayedCall, ResetRunsAfterCallsAlreadyScheduledForThatInstant) {
  FakeClock clock;
  Log log{clock};
  DelayedCall a = clock.call_later(seconds(1), log.entry("a"));
  DelayedCall b = clock.call_later(seconds(5), log.entry("b"));
  a.reset(seconds(5));
  clock.advance(seconds(5));
  EXPECT_THAT(log.entries, ElementsAre(Pair("b", seconds(5)), Pair("a", seconds(5))));
}

TEST(DelayedCall, ResetOfAnInactiveCallThrowsLogicError) {
  FakeClock clock;
  DelayedCall ran = clock.call_later(seconds(1), [] {});
  clock.advance(seconds(1));
  EXPECT_THROW(ran.reset(seconds(1)), std::logic_error);
  DelayedCall cancelled = clock.call_later(seconds(1), [] {});
  cancelled.cancel();
  EXPECT_THROW(cancelled.reset(seconds(1)), std::logic_error);
  EXPECT_EQ(clock.pending(), 0u) << "a failed reset schedules nothing";
}

TEST(DelayedCall, ResetWithANegativeOrOverflowingDelayThrowsAndKeepsTheCall) {
  FakeClock clock;
  clock.advance(seconds(1));
  DelayedCall call = clock.call_later(seconds(2), [] {});
  EXPECT_THROW(call.reset(Duration(-1)), std::invalid_argument);
  EXPECT_THROW(call.reset(Duration::max()), std::invalid_argument);  // 1 s + max overflows
  EXPECT_TRUE(call.active());
  EXPECT_EQ(call.deadline(), at(seconds(3)));
}

TEST(DelayedCall, DelayPushesTheDeadlineLater) {
  // Twisted's testCallLaterDelayed.
  FakeClock clock;
  Log log{clock};
  DelayedCall call = clock.call_later(seconds(1), log.entry("a"));
  call.delay(seconds(1));
  EXPECT_EQ(call.deadline(), at(seconds(2)));
  clock.advance(fakes::seconds(1.5));
  EXPECT_TRUE(log.entries.empty());
  clock.advance(seconds(1));
  EXPECT_THAT(log.entries, ElementsAre(Pair("a", seconds(2))));
}

TEST(DelayedCall, NegativeDelayMovesEarlierButNeverBeforeNow) {
  FakeClock clock;
  DelayedCall call = clock.call_later(seconds(10), [] {});
  clock.advance(seconds(4));
  call.delay(seconds(-3));
  EXPECT_EQ(call.deadline(), at(seconds(7)));
  call.delay(seconds(-100));
  EXPECT_EQ(call.deadline(), at(seconds(4)));
  call.delay(Duration::min());
  EXPECT_EQ(call.deadline(), at(seconds(4)));
  EXPECT_THROW(call.delay(Duration::max()), std::invalid_argument);
  EXPECT_EQ(call.deadline(), at(seconds(4)));
}

TEST(DelayedCall, DelayOfAnInactiveCallThrowsLogicError) {
  FakeClock clock;
  DelayedCall call = clock.call_later(seconds(1), [] {});
  call.cancel();
  EXPECT_THROW(call.delay(seconds(1)), std::logic_error);
}

TEST(DelayedCall, DestroyingTheHandleCancelsTheCall) {
  FakeClock clock;
  int runs = 0;
  {
    DelayedCall call = clock.call_later(seconds(1), [&] { ++runs; });
  }
  EXPECT_EQ(clock.pending(), 0u);
  clock.advance(seconds(1));
  EXPECT_EQ(runs, 0);
}

TEST(DelayedCall, AssigningOverAHandleCancelsItsCall) {
  FakeClock clock;
  std::vector<int> ran;
  DelayedCall call = clock.call_later(seconds(1), [&] { ran.push_back(1); });
  call = clock.call_later(seconds(2), [&] { ran.push_back(2); });
  clock.advance(seconds(2));
  EXPECT_THAT(ran, ElementsAre(2));
}

TEST(DelayedCall, DetachKeepsTheCallScheduled) {
  FakeClock clock;
  int runs = 0;
  {
    DelayedCall call = clock.call_later(seconds(1), [&] { ++runs; });
    call.detach();
    EXPECT_FALSE(call.active()) << "a detached handle no longer refers to the call";
    EXPECT_FALSE(call.cancel());
  }
  EXPECT_EQ(clock.pending(), 1u);
  clock.advance(seconds(1));
  EXPECT_EQ(runs, 1);
}

TEST(DelayedCall, MoveConstructionTransfersTheCall) {
  FakeClock clock;
  int runs = 0;
  DelayedCall first = clock.call_later(seconds(1), [&] { ++runs; });
  DelayedCall second = std::move(first);
  EXPECT_FALSE(first.active());  // NOLINT(bugprone-use-after-move): checking moved-from state
  EXPECT_TRUE(second.active());
  EXPECT_EQ(second.deadline(), at(seconds(1)));
  clock.advance(seconds(1));
  EXPECT_EQ(runs, 1);
}

TEST(DelayedCall, MoveAssignmentCancelsTheTargetsCallAndTakesTheSources) {
  FakeClock clock;
  std::vector<char> ran;
  DelayedCall a = clock.call_later(seconds(1), [&] { ran.push_back('a'); });
  DelayedCall b = clock.call_later(seconds(1), [&] { ran.push_back('b'); });
  a = std::move(b);
  EXPECT_FALSE(b.active());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(clock.pending(), 1u);
  auto& self = a;
  a = std::move(self);  // self-move keeps the call
  EXPECT_TRUE(a.active());
  clock.advance(seconds(1));
  EXPECT_THAT(ran, ElementsAre('b'));
}

TEST(DelayedCall, HandleOutlivingItsClockIsInactive) {
  DelayedCall call;
  {
    FakeClock clock;
    call = clock.call_later(seconds(3), [] {});
  }
  EXPECT_FALSE(call.active());
  EXPECT_FALSE(call.cancel());
  EXPECT_THROW(call.reset(seconds(1)), std::logic_error);
  EXPECT_THROW(call.delay(seconds(1)), std::logic_error);
  EXPECT_EQ(call.deadline(), at(seconds(3)));
}

TEST(DelayedCall, IsInactiveWhileItRunsSoCancelAndResetOfItselfAreRefused) {
  FakeClock clock;
  DelayedCall call;
  bool active_inside = true;
  bool cancelled_inside = true;
  bool reset_threw = false;
  call = clock.call_later(seconds(1), [&] {
    active_inside = call.active();
    cancelled_inside = call.cancel();
    try {
      call.reset(seconds(1));
    } catch (const std::logic_error&) {
      reset_threw = true;
    }
  });
  clock.advance(seconds(1));
  EXPECT_FALSE(active_inside);
  EXPECT_FALSE(cancelled_inside);
  EXPECT_TRUE(reset_threw);
  EXPECT_EQ(clock.pending(), 0u);
}

TEST(DelayedCall, ARunningCallMayReplaceItsOwnHandle) {
  // The pattern of every periodic timer: the call assigns a new call to the handle that
  // owns it while it runs.
  FakeClock clock;
  DelayedCall tick;
  std::vector<Duration> times;
  std::function<void()> schedule = [&] {
    tick = clock.call_later(seconds(1), [&] {
      times.push_back(clock.now().time_since_epoch());
      if (times.size() < 3) schedule();
    });
  };
  schedule();
  clock.advance(seconds(10));
  EXPECT_THAT(times, ElementsAre(seconds(1), seconds(2), seconds(3)));
  EXPECT_FALSE(tick.active());
}

TEST(DelayedCall, ACallMayCancelACallDueAtTheSameInstant) {
  FakeClock clock;
  std::vector<char> ran;
  DelayedCall b;
  DelayedCall a = clock.call_later(seconds(1), [&] {
    ran.push_back('a');
    EXPECT_TRUE(b.cancel());
  });
  b = clock.call_later(seconds(1), [&] { ran.push_back('b'); });
  clock.advance(seconds(1));
  EXPECT_THAT(ran, ElementsAre('a'));
}

TEST(DelayedCall, ACallMayResetAnotherCallInsideTheSameAdvance) {
  // Twisted's test_callLaterResetInsideCallKeepsCallsOrdered, in one advance: each call
  // still runs at its own deadline, in order.
  FakeClock clock;
  Log log{clock};
  DelayedCall b = clock.call_later(seconds(2), log.entry("b"));
  DelayedCall a = clock.call_later(seconds(1), [&] { b.reset(seconds(3)); });
  DelayedCall c = clock.call_later(seconds(3), log.entry("c"));
  clock.advance(seconds(5));
  EXPECT_THAT(log.entries, ElementsAre(Pair("c", seconds(3)), Pair("b", seconds(4))));
}

TEST(DelayedCall, ACallMayDelayAnotherPastTheEndOfTheAdvance) {
  FakeClock clock;
  Log log{clock};
  DelayedCall b = clock.call_later(seconds(2), log.entry("b"));
  DelayedCall a = clock.call_later(seconds(1), [&] { b.delay(seconds(5)); });
  clock.advance(seconds(3));
  EXPECT_TRUE(log.entries.empty());
  EXPECT_EQ(b.deadline(), at(seconds(7)));
  clock.advance(seconds(4));
  EXPECT_THAT(log.entries, ElementsAre(Pair("b", seconds(7))));
}

}  // namespace
}  // namespace kit
