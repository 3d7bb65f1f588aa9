#include "kit/looping_call.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <utility>
#include <vector>

#include "fakes/fake_clock.h"
#include "kit/clock.h"
#include "kit/timer_queue.h"

namespace kit {
namespace {

using fakes::FakeClock;
using fakes::seconds;
using ::testing::ElementsAre;

// A clock that wakes up late, as a busy real reactor does: jump() moves time first and
// only then runs what fell due, every call seeing the same, late, now(). consume() lets
// a call take time, as a slow callback does. (FakeClock, by design, never runs late.)
class LateClock final : public Clock {
 public:
  TimePoint now() const override { return now_; }
  void jump(Duration by) {
    now_ += by;
    while (unique_function<void()> fn = queue_.pop_due(now_)) fn();
  }
  void consume(Duration by) { now_ += by; }
  std::size_t pending() const { return queue_.size(); }

 protected:
  DelayedCall schedule(TimePoint deadline, unique_function<void()> fn) override {
    return queue_.add(deadline, std::move(fn));
  }

 private:
  TimePoint now_{};
  TimerQueue queue_{*this};
};

// The times (since the epoch) at which a LoopingCall ran its function.
struct Times {
  explicit Times(const Clock& clock) : clock(clock) {}
  const Clock& clock;
  std::vector<Duration> seen;
  void record() { seen.push_back(clock.now().time_since_epoch()); }
};

TEST(LoopingCall, StartNowCallsAtOnceThenEveryInterval) {
  // Twisted's testBasicFunction.
  FakeClock clock;
  int calls = 0;
  LoopingCall loop(clock, [&] { ++calls; });
  loop.start(seconds(0.1));
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(loop.running());
  EXPECT_EQ(loop.interval(), seconds(0.1));
  clock.pump({seconds(0.05), seconds(0.1), seconds(0.1)});
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(loop.calls(), 3u);
  loop.stop();
  EXPECT_FALSE(loop.running());
  EXPECT_EQ(clock.pending(), 0u) << "a stopped loop plans nothing further";
}

TEST(LoopingCall, StartNotNowWaitsOneInterval) {
  // Twisted's testDelayedStart.
  FakeClock clock;
  int calls = 0;
  LoopingCall loop(clock, [&] { ++calls; });
  loop.start(seconds(0.1), /*now=*/false);
  EXPECT_EQ(calls, 0);
  clock.pump({seconds(0.05), seconds(0.1), seconds(0.1)});
  EXPECT_EQ(calls, 2);
  loop.stop();
  EXPECT_EQ(clock.pending(), 0u);
}

TEST(LoopingCall, CallsAreAlignedOnStartPlusMultiplesOfTheInterval) {
  FakeClock clock;
  clock.advance(std::chrono::milliseconds(300));
  Times times{clock};
  LoopingCall loop(clock, [&] { times.record(); });
  loop.start(std::chrono::seconds(1), /*now=*/false);
  // Uneven steps do not shift the schedule.
  clock.pump({std::chrono::milliseconds(700), std::chrono::milliseconds(450),
              std::chrono::milliseconds(1900)});
  EXPECT_THAT(times.seen,
              ElementsAre(std::chrono::milliseconds(1300), std::chrono::milliseconds(2300),
                          std::chrono::milliseconds(3300)));
}

TEST(LoopingCall, AdvancingNIntervalsOnFakeClockRunsNCallsEachAtItsOwnSlot) {
  // On FakeClock every call runs at its own deadline, so a long advance is not "late":
  // nothing is skipped. (Twisted's Clock runs them all at the end and skips.)
  FakeClock clock;
  Times times{clock};
  LoopingCall loop(clock, [&] { times.record(); });
  loop.start(seconds(0.5));
  clock.advance(seconds(2));
  EXPECT_THAT(times.seen,
              ElementsAre(seconds(0), seconds(0.5), seconds(1), seconds(1.5), seconds(2)));
  EXPECT_EQ(loop.skipped(), 0u);
  clock.advance(seconds(0));
  EXPECT_EQ(times.seen.size(), 5u) << "advance(0) runs nothing new";
}

TEST(LoopingCall, StopInsideTheCallEndsTheLoop) {
  FakeClock clock;
  LoopingCall* self = nullptr;
  int calls = 0;
  LoopingCall loop(clock, [&] {
    if (++calls == 3) self->stop();
  });
  self = &loop;
  loop.start(seconds(1));
  clock.advance(seconds(10));
  EXPECT_EQ(calls, 3);
  EXPECT_FALSE(loop.running());
  EXPECT_EQ(clock.pending(), 0u);
}

TEST(LoopingCall, StopInsideTheFirstImmediateCallRunsItOnce) {
  FakeClock clock;
  LoopingCall* self = nullptr;
  int calls = 0;
  LoopingCall loop(clock, [&] {
    ++calls;
    self->stop();
  });
  self = &loop;
  loop.start(seconds(1));
  clock.advance(seconds(5));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(clock.pending(), 0u);
}

TEST(LoopingCall, StopBeforeTheFirstCallRunsNothing) {
  // Twisted's testStopAtOnce and testStoppingBeforeDelayedStart.
  for (Duration interval : {seconds(0), seconds(10)}) {
    FakeClock clock;
    int calls = 0;
    LoopingCall loop(clock, [&] { ++calls; });
    loop.start(interval, /*now=*/false);
    loop.stop();
    loop.stop();  // idempotent
    clock.advance(seconds(20));
    EXPECT_EQ(calls, 0);
    EXPECT_EQ(clock.pending(), 0u);
  }
}

TEST(LoopingCall, RestartAfterStopAlignsOnTheNewStart) {
  FakeClock clock;
  Times times{clock};
  LoopingCall loop(clock, [&] { times.record(); });
  loop.start(seconds(1), /*now=*/false);
  clock.advance(seconds(1.5));
  loop.stop();
  loop.start(seconds(1), /*now=*/false);
  clock.advance(seconds(2));
  EXPECT_THAT(times.seen, ElementsAre(seconds(1), seconds(2.5), seconds(3.5)));
}

TEST(LoopingCall, StartWhileRunningOrWithANegativeIntervalThrows) {
  // Twisted's testBadDelay, and a start that would lose the running schedule.
  FakeClock clock;
  LoopingCall loop(clock, [] {});
  EXPECT_THROW(loop.start(seconds(-1)), std::invalid_argument);
  EXPECT_FALSE(loop.running());
  loop.start(seconds(1));
  EXPECT_THROW(loop.start(seconds(2)), std::logic_error);
  EXPECT_EQ(loop.interval(), seconds(1));
}

TEST(LoopingCall, ZeroIntervalRunsAgainOnEveryTurnUntilStopped) {
  // Twisted's test_withCountIntervalZero: each call schedules the next at the same
  // instant, so one advance(0) runs them all.
  FakeClock clock;
  LoopingCall* self = nullptr;
  int calls = 0;
  LoopingCall loop(clock, [&] {
    if (++calls == 5) self->stop();
  });
  self = &loop;
  loop.start(seconds(0), /*now=*/false);
  EXPECT_EQ(calls, 0);
  clock.advance(seconds(0));
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(clock.now(), TimePoint{});
}

TEST(LoopingCall, ZeroIntervalThatNeverStopsTripsTheFakeClocksStepBound) {
  FakeClock clock;
  clock.set_step_bound(1000);
  int calls = 0;
  LoopingCall loop(clock, [&] { ++calls; });
  loop.start(seconds(0));
  EXPECT_THROW(clock.advance(seconds(1)), fakes::FakeClockRunaway);
  EXPECT_GE(calls, 1000);
  loop.stop();
  EXPECT_EQ(clock.pending(), 0u);
}

TEST(LoopingCall, ALateClockSkipsTheSlotsItMissedInsteadOfBursting) {
  // Twisted's test_reactorTimeSkips: the reactor wakes up at 2 for the call due at 0.5.
  LateClock clock;
  Times times{clock};
  LoopingCall loop(clock, [&] { times.record(); });
  loop.start(seconds(0.5));
  EXPECT_THAT(times.seen, ElementsAre(seconds(0)));

  clock.jump(seconds(2));
  EXPECT_THAT(times.seen, ElementsAre(seconds(0), seconds(2)))
      << "one late call, not one per missed slot";
  EXPECT_EQ(loop.skipped(), 3u) << "the slots at 1, 1.5 and 2";

  clock.jump(seconds(1));  // the call due at 2.5 runs at 3, standing for the slot at 3 too
  EXPECT_THAT(times.seen, ElementsAre(seconds(0), seconds(2), seconds(3)));
  EXPECT_EQ(loop.skipped(), 4u);

  clock.jump(seconds(0));
  EXPECT_EQ(times.seen.size(), 3u);
  clock.jump(seconds(0.5));
  EXPECT_THAT(times.seen.back(), seconds(3.5)) << "back on schedule";
  EXPECT_EQ(loop.calls(), 4u);
}

TEST(LoopingCall, ASlowCallbackSkipsTheSlotsItOverran) {
  // Twisted's test_callbackTimeSkips: the function itself takes longer than an interval.
  LateClock clock;
  Times times{clock};
  Duration duration = seconds(2);
  LoopingCall loop(clock, [&] {
    times.record();
    clock.consume(duration);
  });
  loop.start(seconds(0.5));
  EXPECT_THAT(times.seen, ElementsAre(seconds(0)));
  EXPECT_EQ(clock.now(), TimePoint(seconds(2)));

  clock.jump(seconds(0));  // the slot at 2 is the present, not the future: skipped
  EXPECT_THAT(times.seen, ElementsAre(seconds(0)));
  EXPECT_EQ(loop.skipped(), 4u);

  duration = seconds(1);
  clock.jump(seconds(0.5));
  EXPECT_THAT(times.seen, ElementsAre(seconds(0), seconds(2.5)));
  EXPECT_EQ(clock.now(), TimePoint(seconds(3.5)));

  clock.jump(seconds(0));
  EXPECT_EQ(times.seen.size(), 2u);

  duration = seconds(0);
  clock.jump(seconds(0.5));
  EXPECT_THAT(times.seen, ElementsAre(seconds(0), seconds(2.5), seconds(4)));
  EXPECT_EQ(clock.pending(), 1u);
}

TEST(LoopingCall, AnExceptionFromTheFunctionStopsTheLoopAndPropagates) {
  FakeClock clock;
  int calls = 0;
  LoopingCall loop(clock, [&] {
    if (++calls == 2) throw std::runtime_error("boom");
  });
  loop.start(seconds(1));
  EXPECT_THROW(clock.advance(seconds(5)), std::runtime_error);
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(loop.running());
  EXPECT_EQ(clock.pending(), 0u);
  loop.start(seconds(1));  // and it can be started again
  EXPECT_EQ(calls, 3);
}

TEST(LoopingCall, AnExceptionFromTheImmediateCallPropagatesOutOfStart) {
  FakeClock clock;
  LoopingCall loop(clock, [] { throw std::runtime_error("boom"); });
  EXPECT_THROW(loop.start(seconds(1)), std::runtime_error);
  EXPECT_FALSE(loop.running());
  EXPECT_EQ(clock.pending(), 0u);
}

TEST(LoopingCall, DestroyingTheLoopCancelsItsNextCall) {
  FakeClock clock;
  int calls = 0;
  {
    LoopingCall loop(clock, [&] { ++calls; });
    loop.start(seconds(1));
    EXPECT_EQ(clock.pending(), 1u);
  }
  EXPECT_EQ(clock.pending(), 0u);
  clock.advance(seconds(5));
  EXPECT_EQ(calls, 1);
}

TEST(LoopingCall, ANewLoopHasNotRun) {
  FakeClock clock;
  LoopingCall loop(clock, [] {});
  EXPECT_FALSE(loop.running());
  EXPECT_EQ(loop.calls(), 0u);
  EXPECT_EQ(loop.skipped(), 0u);
}

}  // namespace
}  // namespace kit
