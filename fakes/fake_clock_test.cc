#include "fakes/fake_clock.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace kit::fakes {
namespace {

using std::chrono::milliseconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

TimePoint at(Duration d) { return TimePoint(d); }

// Records (name, now()) for each call, to check both order and time.
class Log {
 public:
  explicit Log(FakeClock& clock) : clock_(clock) {}
  unique_function<void()> entry(std::string name) {
    return [this, name = std::move(name)] {
      entries.emplace_back(name, clock_.now().time_since_epoch());
    };
  }
  std::vector<std::pair<std::string, Duration>> entries;

 private:
  FakeClock& clock_;
};

TEST(FakeClock, StartsAtZeroAndMovesOnlyWhenAdvanced) {
  FakeClock clock;
  EXPECT_EQ(clock.now(), TimePoint{});
  DelayedCall call = clock.call_later(seconds(5), [] {});
  (void)clock.next_deadline();
  (void)clock.pending();
  EXPECT_EQ(clock.now(), TimePoint{}) << "scheduling and asking do not move time";
  clock.advance(seconds(1.5));
  EXPECT_EQ(clock.now(), at(seconds(1.5)));
  clock.advance(seconds(0));
  EXPECT_EQ(clock.now(), at(seconds(1.5)));
  clock.advance_to(at(seconds(3)));
  EXPECT_EQ(clock.now(), at(seconds(3)));
}

TEST(FakeClock, AdvanceRunsDueCallsInDeadlineThenScheduledOrderEachAtItsDeadline) {
  FakeClock clock;
  Log log(clock);
  DelayedCall c = clock.call_later(seconds(3), log.entry("c"));
  DelayedCall a1 = clock.call_later(seconds(1), log.entry("a1"));
  DelayedCall b = clock.call_later(seconds(2), log.entry("b"));
  DelayedCall a2 = clock.call_later(seconds(1), log.entry("a2"));
  DelayedCall d = clock.call_later(seconds(9), log.entry("d"));
  clock.advance(seconds(5));
  EXPECT_THAT(log.entries, ElementsAre(Pair("a1", seconds(1)), Pair("a2", seconds(1)),
                                       Pair("b", seconds(2)), Pair("c", seconds(3))));
  EXPECT_EQ(clock.now(), at(seconds(5))) << "time ends where the advance said";
  EXPECT_TRUE(d.active());
}

TEST(FakeClock, CallsRunOneAtATimeAndSynchronously) {
  FakeClock clock;
  bool inside = false;
  int overlapping = 0;
  int ran = 0;
  std::vector<DelayedCall> calls;
  for (int i = 0; i < 10; ++i) {
    calls.push_back(clock.call_later(milliseconds(i % 3), [&] {
      if (inside) ++overlapping;
      inside = true;
      ++ran;
      inside = false;
    }));
  }
  clock.advance(seconds(1));
  EXPECT_EQ(ran, 10) << "all ran before advance() returned";
  EXPECT_EQ(overlapping, 0);
}

TEST(FakeClock, ChainedCallsThatFallDueWithinOneAdvanceRunAtTheirOwnDeadlines) {
  // Regression for Twisted #9819 ("Clock differs from real reactor"): task.Clock sets
  // the time to the end of the advance first and runs only what was due then, so two
  // chained one-second waits do not finish in advance(2). Here each call runs at its own
  // deadline and a call it schedules runs in the same advance if it falls due.
  FakeClock clock;
  Log log(clock);
  DelayedCall first, second;
  first = clock.call_later(seconds(1), [&] {
    log.entry("first")();
    second = clock.call_later(seconds(1), log.entry("second"));
  });
  clock.advance(seconds(2));
  EXPECT_THAT(log.entries, ElementsAre(Pair("first", seconds(1)), Pair("second", seconds(2))));
}

TEST(FakeClock, ACallScheduledPastTheEndOfTheAdvanceWaitsForTheNextOne) {
  FakeClock clock;
  Log log(clock);
  DelayedCall follow_up;
  DelayedCall first = clock.call_later(
      seconds(1), [&] { follow_up = clock.call_later(seconds(2), log.entry("follow-up")); });
  clock.advance(seconds(2));
  EXPECT_TRUE(log.entries.empty());
  EXPECT_TRUE(follow_up.active());
  EXPECT_EQ(clock.next_deadline(), at(seconds(3)));
  clock.advance(seconds(1));
  EXPECT_THAT(log.entries, ElementsAre(Pair("follow-up", seconds(3))));
}

TEST(FakeClock, ZeroDelayCallsKeepTheirRelativeOrder) {
  // Regression for Twisted #6718 ("callLater(0) does not guarantee relative ordering of
  // calls"): calls due at one instant run in the order they were scheduled, whether made
  // with a zero delay, a longer delay from earlier, or from inside a running call.
  FakeClock clock;
  Log log(clock);
  std::vector<DelayedCall> calls;
  calls.push_back(clock.call_later(seconds(1), [&] {
    log.entry("x")();
    calls.push_back(clock.call_later(seconds(0), log.entry("z")));
  }));
  clock.advance(seconds(0.5));
  calls.push_back(clock.call_later(seconds(0.5), log.entry("y")));
  for (int i = 0; i < 5; ++i) {
    calls.push_back(clock.call_later(seconds(0), log.entry(std::to_string(i))));
  }
  clock.advance(seconds(0));
  clock.advance(seconds(0.5));
  EXPECT_THAT(log.entries,
              ElementsAre(Pair("0", seconds(0.5)), Pair("1", seconds(0.5)), Pair("2", seconds(0.5)),
                          Pair("3", seconds(0.5)), Pair("4", seconds(0.5)), Pair("x", seconds(1)),
                          Pair("y", seconds(1)), Pair("z", seconds(1))));
}

TEST(FakeClock, AdvanceToNextMovesToTheNextDeadlineAndRunsWhatIsDueThen) {
  // Regression for Twisted #8991 ("Allow task.Clock to advance to the next delayed
  // call"): a test steps through calls without knowing when they are due.
  FakeClock clock;
  Log log(clock);
  EXPECT_FALSE(clock.advance_to_next()) << "nothing pending";
  EXPECT_EQ(clock.now(), TimePoint{});

  DelayedCall b = clock.call_later(seconds(7), log.entry("b"));
  DelayedCall a1 = clock.call_later(seconds(3), log.entry("a1"));
  DelayedCall a2 = clock.call_later(seconds(3), [&] {
    log.entry("a2")();
    clock.call_later(seconds(0), log.entry("a3")).detach();  // due then too: runs
  });
  EXPECT_TRUE(clock.advance_to_next());
  EXPECT_EQ(clock.now(), at(seconds(3)));
  EXPECT_THAT(log.entries,
              ElementsAre(Pair("a1", seconds(3)), Pair("a2", seconds(3)), Pair("a3", seconds(3))));
  EXPECT_TRUE(clock.advance_to_next());
  EXPECT_EQ(clock.now(), at(seconds(7)));
  EXPECT_EQ(log.entries.size(), 4u);
  EXPECT_FALSE(clock.advance_to_next());
  EXPECT_EQ(clock.now(), at(seconds(7)));
}

TEST(FakeClock, NextDeadlineAndPendingFollowTheQueue) {
  FakeClock clock;
  EXPECT_EQ(clock.next_deadline(), std::nullopt);
  EXPECT_EQ(clock.pending(), 0u);
  DelayedCall later = clock.call_later(seconds(4), [] {});
  DelayedCall sooner = clock.call_later(seconds(2), [] {});
  EXPECT_EQ(clock.next_deadline(), at(seconds(2)));
  EXPECT_EQ(clock.pending(), 2u);
  sooner.cancel();
  EXPECT_EQ(clock.next_deadline(), at(seconds(4)));
  EXPECT_EQ(clock.pending(), 1u);
  later.reset(seconds(1));
  EXPECT_EQ(clock.next_deadline(), at(seconds(1)));
  clock.advance(seconds(1));
  EXPECT_EQ(clock.next_deadline(), std::nullopt);
  EXPECT_EQ(clock.pending(), 0u);
}

TEST(FakeClock, RefusesToGoBackwardsOrPastTheEndOfTime) {
  FakeClock clock;
  clock.advance(seconds(2));
  EXPECT_THROW(clock.advance(Duration(-1)), std::invalid_argument);
  EXPECT_THROW(clock.advance_to(at(seconds(1))), std::invalid_argument);
  EXPECT_THROW(clock.advance(Duration::max()), std::invalid_argument);
  EXPECT_EQ(clock.now(), at(seconds(2)));
  try {
    clock.advance_to(at(seconds(1)));
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr("t=1.000000000s is before now (t=2.000000000s)"));
  }
}

TEST(FakeClock, RefusesNegativeDelays) {
  FakeClock clock;
  EXPECT_THROW((void)clock.call_later(Duration(-1), [] {}), std::invalid_argument);
  EXPECT_EQ(clock.pending(), 0u);
}

TEST(FakeClock, ACallReschedulingItselfAtTheSameInstantThrowsRunawayNamingTheInstant) {
  // Regression for Twisted #5962 ("Clock.callLater(0, f) can lead to infinite loop"):
  // task.Clock.advance spins forever on f() { callLater(0, f) }. FakeClock runs calls
  // scheduled during an advance that fall due in it (see the #9819 test), so it cannot
  // simply stop at the first round; it bounds the calls made at one instant instead.
  FakeClock clock;
  clock.advance(seconds(3));
  DelayedCall call;
  int runs = 0;
  std::function<void()> again = [&] {
    ++runs;
    call = clock.call_later(seconds(0), again);
  };
  call = clock.call_later(seconds(0), again);
  try {
    clock.advance(seconds(0));
    FAIL() << "advance returned";
  } catch (const FakeClockRunaway& error) {
    EXPECT_THAT(error.what(), HasSubstr("t=3.000000000s"));
    EXPECT_THAT(error.what(), HasSubstr("rescheduling itself"));
  }
  EXPECT_EQ(runs, static_cast<int>(FakeClock::default_step_bound) + 1);
  // Still usable: stop the culprit and time moves on.
  call.cancel();
  clock.advance(seconds(1));
  EXPECT_EQ(clock.now(), at(seconds(4)));
}

TEST(FakeClock, ALargeBatchAtOneInstantDoesNotTripTheStepBound) {
  FakeClock clock;
  constexpr int batch = 200'000;  // twice the default bound
  int ran = 0;
  for (int i = 0; i < batch; ++i) clock.call_later(seconds(1), [&] { ++ran; }).detach();
  clock.advance(seconds(1));
  EXPECT_EQ(ran, batch);
}

TEST(FakeClock, TheStepBoundCountsOnlyCallsScheduledDuringTheAdvance) {
  FakeClock clock;
  clock.set_step_bound(10);
  for (int i = 0; i < 50; ++i) clock.call_later(seconds(0), [] {}).detach();
  int chain = 0;
  std::function<void()> link = [&] {
    if (++chain < 10) clock.call_later(seconds(0), link).detach();
  };
  clock.call_later(seconds(0), link).detach();
  clock.advance(seconds(0));  // 51 pending plus 9 follow-ups: within 51 + 10
  EXPECT_EQ(chain, 10);

  chain = -5;  // 14 follow-ups at one instant: beyond the bound
  clock.call_later(seconds(0), link).detach();
  EXPECT_THROW(clock.advance(seconds(0)), FakeClockRunaway);
}

TEST(FakeClock, AdvanceFromInsideACallIsRefused) {
  FakeClock clock;
  int refused = 0;
  DelayedCall call = clock.call_later(seconds(1), [&] {
    EXPECT_THROW(clock.advance(seconds(1)), std::logic_error);
    EXPECT_THROW(clock.advance_to(at(seconds(5))), std::logic_error);
    EXPECT_THROW(clock.advance_to_next(), std::logic_error);
    ++refused;
  });
  DelayedCall later = clock.call_later(seconds(2), [] {});
  clock.advance(seconds(1));
  EXPECT_EQ(refused, 1);
  EXPECT_EQ(clock.now(), at(seconds(1))) << "the refused advances moved nothing";
  clock.advance(seconds(1));
  EXPECT_FALSE(later.active());
}

TEST(FakeClock, AnExceptionFromACallPropagatesAndLeavesTheClockUsable) {
  FakeClock clock;
  Log log(clock);
  DelayedCall a = clock.call_later(seconds(1), log.entry("a"));
  DelayedCall bad = clock.call_later(seconds(2), [] { throw std::runtime_error("bad call"); });
  DelayedCall c = clock.call_later(seconds(2), log.entry("c"));
  DelayedCall d = clock.call_later(seconds(3), log.entry("d"));
  EXPECT_THROW(clock.advance(seconds(10)), std::runtime_error);
  EXPECT_EQ(clock.now(), at(seconds(2))) << "time stays at the failing call's deadline";
  EXPECT_EQ(clock.pending(), 2u);
  EXPECT_THAT(log.entries, ElementsAre(Pair("a", seconds(1))));

  clock.advance(seconds(8));  // picks up where it stopped
  EXPECT_THAT(log.entries,
              ElementsAre(Pair("a", seconds(1)), Pair("c", seconds(2)), Pair("d", seconds(3))));
  EXPECT_EQ(clock.now(), at(seconds(10)));
}

TEST(FakeClock, RunningNamesTheClockRunningACallOnThisThread) {
  FakeClock outer;
  FakeClock inner;
  EXPECT_EQ(FakeClock::running(), nullptr);
  std::vector<FakeClock*> seen;
  DelayedCall call_inner =
      inner.call_later(seconds(1), [&] { seen.push_back(FakeClock::running()); });
  DelayedCall call_outer = outer.call_later(seconds(1), [&] {
    seen.push_back(FakeClock::running());
    inner.advance(seconds(1));  // another clock may be advanced from a call
    seen.push_back(FakeClock::running());
  });
  outer.advance(seconds(1));
  EXPECT_THAT(seen, ElementsAre(&outer, &inner, &outer));
  EXPECT_EQ(FakeClock::running(), nullptr);
}

TEST(FakeClock, PumpAdvancesByEachStepInTurn) {
  FakeClock clock;
  Log log(clock);
  DelayedCall a = clock.call_later(seconds(1), log.entry("a"));
  DelayedCall b = clock.call_later(seconds(2.5), log.entry("b"));
  clock.pump({seconds(1), seconds(1), seconds(1)});
  EXPECT_EQ(clock.now(), at(seconds(3)));
  EXPECT_THAT(log.entries, ElementsAre(Pair("a", seconds(1)), Pair("b", seconds(2.5))));
}

TEST(FakeClock, OnAdvanceRunsBeforeAnyCallOfEveryAdvance) {
  FakeClock clock;
  std::vector<std::string> events;
  clock.set_on_advance([&] {
    events.push_back("hook");
    clock.call_later(seconds(0), [&] { events.push_back("scheduled by hook"); }).detach();
  });
  DelayedCall call = clock.call_later(seconds(0), [&] { events.push_back("call"); });
  clock.advance(seconds(0));
  EXPECT_THAT(events, ElementsAre("hook", "call", "scheduled by hook"));
  clock.set_on_advance(nullptr);
  clock.advance(seconds(1));
  EXPECT_EQ(events.size(), 3u);
}

TEST(FakeClock, DestroyingTheClockCancelsItsCalls) {
  DelayedCall call;
  bool ran = false;
  {
    FakeClock clock;
    call = clock.call_later(seconds(1), [&] { ran = true; });
  }
  EXPECT_FALSE(call.active());
  EXPECT_FALSE(ran);
}

TEST(FakeClock, SecondsConvertsFractionalSecondsToTheNearestNanosecond) {
  EXPECT_EQ(seconds(1.5), milliseconds(1500));
  EXPECT_EQ(seconds(0), Duration::zero());
  EXPECT_EQ(seconds(4.9), milliseconds(4900)) << "4.9 * 1e9 is just below 4900000000.0";
  EXPECT_EQ(seconds(4.9) + seconds(0.1), seconds(5));
  EXPECT_EQ(seconds(-0.3), milliseconds(-300));
}

}  // namespace
}  // namespace kit::fakes
