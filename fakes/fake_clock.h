// FakeClock: a Clock whose time moves only when the test says.
//
// Starts at TimePoint{} (zero). advance() runs every call that falls due, one at a time,
// synchronously, in (deadline, order scheduled) order; each call sees now() equal to its
// own deadline. A call scheduled by a running call runs in the same advance if it falls
// due before its end. Pending calls live in a heap (kit/timer_queue.h), so a million of
// them are cheap.
//
// A call that keeps rescheduling itself at the same instant would make advance() loop
// forever; after `step_bound` such calls at one instant advance() throws
// FakeClockRunaway instead, naming the instant. Calls already pending when time reaches
// an instant do not count against the bound, so a large batch never trips it.
//
// An exception thrown by a call propagates out of advance(). Time then stays at that
// call's deadline and the calls not yet run stay pending, so the clock remains usable and
// the next advance picks up where this one stopped.
//
// Thread safety: one thread. The calls it runs must not call advance() themselves (it
// throws std::logic_error).
#ifndef KIT_FAKES_FAKE_CLOCK_H_
#define KIT_FAKES_FAKE_CLOCK_H_

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <utility>

#include "kit/clock.h"
#include "kit/timer_queue.h"

namespace kit::fakes {

class FakeClockRunaway : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class FakeClock : public Clock {
 public:
  static constexpr std::size_t default_step_bound = 100'000;

  FakeClock();
  FakeClock(const FakeClock&) = delete;
  FakeClock& operator=(const FakeClock&) = delete;

  TimePoint now() const override { return now_; }

  // advance: moves time forward by `by` (>= 0; negative, or beyond the clock's range,
  // throws std::invalid_argument), running what falls due. advance(0) runs what is due now.
  void advance(Duration by);

  // advance_to: advance(when - now()); `when` must not be in the past.
  void advance_to(TimePoint when);

  // advance_to_next: moves to the next deadline and runs what is due then. Returns false
  // (and does nothing) when no call is pending.
  bool advance_to_next();

  // pump: advance() by each step in turn (Twisted's Clock.pump).
  void pump(std::initializer_list<Duration> steps);

  // next_deadline: when the next call is due, if any.
  std::optional<TimePoint> next_deadline() const noexcept { return queue_.next_deadline(); }

  // pending: how many calls are scheduled.
  std::size_t pending() const noexcept { return queue_.size(); }

  // set_step_bound: how many calls scheduled during one advance may run at one instant.
  void set_step_bound(std::size_t bound) noexcept { step_bound_ = bound; }

  // running: the FakeClock running a call on this thread right now, or nullptr. Fakes use
  // it to complete what a protocol asked for in a timer right after the timer returns.
  static FakeClock* running() noexcept;

  // set_on_advance: `fn` runs at the start of every advance, before any call. A fake that
  // takes work from other threads (MemoryReactor::call_from_thread) schedules it there,
  // on the clock's thread. An empty function removes the hook.
  void set_on_advance(unique_function<void()> fn) { on_advance_ = std::move(fn); }

 protected:
  DelayedCall schedule(TimePoint deadline, unique_function<void()> fn) override;

 private:
  void run_until(TimePoint end);

  TimePoint now_{};
  TimerQueue queue_;
  std::size_t step_bound_ = default_step_bound;
  bool advancing_ = false;
  unique_function<void()> on_advance_;
};

// Seconds, as a Duration, for tests that read like Twisted's (clock.advance(seconds(1.5))).
// Rounded to the nearest nanosecond, so seconds(4.9) + seconds(0.1) == seconds(5).
constexpr Duration seconds(double s) {
  return Duration(static_cast<Duration::rep>(s * 1e9 + (s < 0 ? -0.5 : 0.5)));
}

}  // namespace kit::fakes

#endif  // KIT_FAKES_FAKE_CLOCK_H_
