#include "kit/timer_queue.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <vector>

#include "kit/clock.h"

namespace kit {
namespace {

using std::chrono::seconds;
using ::testing::ElementsAre;

// The smallest Clock on a TimerQueue: the test sets now() and pops what is due itself,
// so the queue is exercised without FakeClock's policies.
class ManualClock final : public Clock {
 public:
  TimePoint now() const override { return now_; }
  void set_now(TimePoint now) { now_ = now; }
  TimerQueue& queue() { return queue_; }

  // run_due: pops and runs everything due at now().
  int run_due() {
    int ran = 0;
    while (unique_function<void()> fn = queue_.pop_due(now_)) {
      fn();
      ++ran;
    }
    return ran;
  }

 protected:
  DelayedCall schedule(TimePoint deadline, unique_function<void()> fn) override {
    return queue_.add(deadline, std::move(fn));
  }

 private:
  TimePoint now_{};
  TimerQueue queue_{*this};
};

TimePoint at(seconds s) { return TimePoint(s); }

TEST(TimerQueue, EmptyQueueHasNoDeadlineAndNothingDue) {
  ManualClock clock;
  EXPECT_TRUE(clock.queue().empty());
  EXPECT_EQ(clock.queue().size(), 0u);
  EXPECT_EQ(clock.queue().next_deadline(), std::nullopt);
  EXPECT_FALSE(clock.queue().pop_due(TimePoint::max()));
}

TEST(TimerQueue, PopsInDeadlineOrderAndLeavesCallsNotYetDue) {
  ManualClock clock;
  std::vector<int> order;
  DelayedCall c3 = clock.call_later(seconds(3), [&] { order.push_back(3); });
  DelayedCall c1 = clock.call_later(seconds(1), [&] { order.push_back(1); });
  DelayedCall c2 = clock.call_later(seconds(2), [&] { order.push_back(2); });
  EXPECT_EQ(clock.queue().size(), 3u);
  EXPECT_EQ(clock.queue().next_deadline(), at(seconds(1)));

  clock.set_now(at(seconds(2)));
  EXPECT_EQ(clock.run_due(), 2);
  EXPECT_THAT(order, ElementsAre(1, 2));
  EXPECT_EQ(clock.queue().next_deadline(), at(seconds(3)));
  EXPECT_TRUE(c3.active());
}

TEST(TimerQueue, CallsAtOneInstantPopInTheOrderScheduled) {
  // A binary heap is not stable on its own; the sequence number makes it so, even with
  // enough calls to reorder the heap many times.
  ManualClock clock;
  std::vector<int> order;
  std::vector<DelayedCall> calls;
  for (int i = 0; i < 1000; ++i) {
    calls.push_back(
        clock.call_later(seconds(i % 2 == 0 ? 5 : 4), [&order, i] { order.push_back(i); }));
  }
  clock.set_now(at(seconds(5)));
  clock.run_due();
  ASSERT_EQ(order.size(), 1000u);
  for (std::size_t k = 0; k < 500; ++k) {
    EXPECT_EQ(order[k], static_cast<int>(2 * k + 1)) << "deadline 4s, position " << k;
    EXPECT_EQ(order[500 + k], static_cast<int>(2 * k)) << "deadline 5s, position " << k;
  }
}

TEST(TimerQueue, PoppedCallIsInactiveBeforeItRuns) {
  ManualClock clock;
  DelayedCall call;
  bool active_inside = true;
  call = clock.call_later(seconds(1), [&] { active_inside = call.active(); });
  clock.set_now(at(seconds(1)));
  clock.run_due();
  EXPECT_FALSE(active_inside);
  EXPECT_FALSE(call.active());
}

TEST(TimerQueue, ResetCallGoesBehindCallsAlreadyAtItsNewInstant) {
  ManualClock clock;
  std::vector<char> order;
  DelayedCall a = clock.call_later(seconds(1), [&] { order.push_back('a'); });
  DelayedCall b = clock.call_later(seconds(2), [&] { order.push_back('b'); });
  a.reset(seconds(2));
  clock.set_now(at(seconds(2)));
  clock.run_due();
  EXPECT_THAT(order, ElementsAre('b', 'a'));
}

TEST(TimerQueue, OnEarlierFrontRunsOnlyWhenTheEarliestDeadlineMovesEarlier) {
  ManualClock clock;
  int notified = 0;
  clock.queue().set_on_earlier_front([&] { ++notified; });

  DelayedCall first = clock.call_later(seconds(10), [] {});
  EXPECT_EQ(notified, 1) << "the first call is a new front";
  DelayedCall later = clock.call_later(seconds(20), [] {});
  EXPECT_EQ(notified, 1) << "a later call leaves the front alone";
  DelayedCall same = clock.call_later(seconds(10), [] {});
  EXPECT_EQ(notified, 1) << "a call at the same instant does not move the front earlier";
  DelayedCall sooner = clock.call_later(seconds(5), [] {});
  EXPECT_EQ(notified, 2);
  later.reset(seconds(1));
  EXPECT_EQ(notified, 3) << "reset sooner than the front";
  later.reset(seconds(30));
  EXPECT_EQ(notified, 3) << "reset later";
  sooner.cancel();
  EXPECT_EQ(notified, 3) << "cancelling makes the front later, never earlier";
}

TEST(TimerQueue, CancelDestroysTheCallableAtOnce) {
  ManualClock clock;
  auto token = std::make_shared<int>(0);
  DelayedCall call = clock.call_later(seconds(1), [token] {});
  EXPECT_EQ(token.use_count(), 2);
  EXPECT_TRUE(call.cancel());
  EXPECT_EQ(token.use_count(), 1);
  EXPECT_TRUE(clock.queue().empty());
}

TEST(TimerQueue, DestroyingTheQueueCancelsEveryCallAndHandlesOutliveIt) {
  auto token = std::make_shared<int>(0);
  DelayedCall call;
  {
    ManualClock clock;
    call = clock.call_later(seconds(1), [token] {});
    ASSERT_TRUE(call.active());
  }
  EXPECT_EQ(token.use_count(), 1) << "the callable was destroyed with its queue";
  EXPECT_FALSE(call.active());
  EXPECT_FALSE(call.cancel());
  EXPECT_THROW(call.reset(seconds(1)), std::logic_error);
  EXPECT_THROW(call.delay(seconds(1)), std::logic_error);
  EXPECT_EQ(call.deadline(), at(seconds(1)));
}

TEST(TimerQueue, DestroyingTheQueueWhileOneCallableOwnsAnotherCallsHandle) {
  // The callable of `outer` owns the handle of `inner`, on the same queue. Tearing the
  // queue down destroys that callable, whose handle then cancels `inner`; the queue must
  // already count `inner` as gone, whichever order the two sit in its heap.
  for (bool inner_first : {true, false}) {
    ManualClock clock;
    DelayedCall inner;
    if (inner_first) inner = clock.call_later(seconds(2), [] {});
    auto holder = std::make_unique<DelayedCall>();
    DelayedCall* slot = holder.get();
    clock.call_later(seconds(1), [holder = std::move(holder)] {}).detach();
    if (!inner_first) inner = clock.call_later(seconds(2), [] {});
    *slot = std::move(inner);
    EXPECT_TRUE(slot->active());
    EXPECT_EQ(clock.queue().size(), 2u);
    // The clock and its queue are destroyed here; ASan checks the teardown.
  }
}

TEST(TimerQueue, MatchesASortedModelUnderRandomOperations) {
  // Every add, reset and delay takes the next sequence number, so the model can order
  // calls exactly as the queue must: by (deadline, sequence).
  ManualClock clock;
  std::mt19937_64 random(20240611);
  std::uint64_t sequence = 0;
  std::map<std::tuple<TimePoint, std::uint64_t>, int> model;  // -> call id
  std::map<int, std::tuple<TimePoint, std::uint64_t>> key_of;
  std::map<int, DelayedCall> handles;
  std::vector<int> fired;
  int next_id = 0;

  auto pick = [&]() -> int {
    auto it = key_of.begin();
    std::advance(it, static_cast<long>(random() % key_of.size()));
    return it->first;
  };

  for (int op = 0; op < 20000; ++op) {
    const unsigned kind = random() % 10;
    if (kind < 4 || key_of.empty()) {
      const int id = next_id++;
      const Duration delay = std::chrono::milliseconds(random() % 50);
      handles[id] = clock.call_later(delay, [&fired, id] { fired.push_back(id); });
      auto key = std::make_tuple(clock.now() + delay, sequence++);
      model[key] = id;
      key_of[id] = key;
    } else if (kind < 6) {
      const int id = pick();
      EXPECT_TRUE(handles[id].cancel());
      model.erase(key_of[id]);
      key_of.erase(id);
    } else if (kind < 8) {
      const int id = pick();
      const Duration delay = std::chrono::milliseconds(random() % 50);
      handles[id].reset(delay);
      model.erase(key_of[id]);
      auto key = std::make_tuple(clock.now() + delay, sequence++);
      model[key] = id;
      key_of[id] = key;
    } else {
      clock.set_now(clock.now() + std::chrono::milliseconds(random() % 20));
      std::vector<int> expected;
      while (!model.empty() && std::get<0>(model.begin()->first) <= clock.now()) {
        expected.push_back(model.begin()->second);
        key_of.erase(model.begin()->second);
        model.erase(model.begin());
      }
      fired.clear();
      clock.run_due();
      ASSERT_EQ(fired, expected) << "after operation " << op;
    }
    ASSERT_EQ(clock.queue().size(), model.size());
    if (!model.empty()) {
      ASSERT_EQ(clock.queue().next_deadline(), std::get<0>(model.begin()->first));
    }
  }
}

}  // namespace
}  // namespace kit
