#include "fakes/fake_clock.h"

#include <cstdio>
#include <string>
#include <utility>

namespace kit::fakes {
namespace {

thread_local FakeClock* running_clock = nullptr;

std::string format_instant(TimePoint t) {
  char text[64];
  auto ns = t.time_since_epoch().count();
  std::snprintf(text, sizeof text, "t=%lld.%09llds", static_cast<long long>(ns / 1'000'000'000),
                static_cast<long long>(ns % 1'000'000'000));
  return text;
}

// Marks `clock` as the one running calls on this thread for the lifetime of the guard.
class RunningGuard {
 public:
  explicit RunningGuard(FakeClock* clock) : previous_(std::exchange(running_clock, clock)) {}
  ~RunningGuard() { running_clock = previous_; }
  RunningGuard(const RunningGuard&) = delete;
  RunningGuard& operator=(const RunningGuard&) = delete;

 private:
  FakeClock* previous_;
};

}  // namespace

FakeClock::FakeClock() : queue_(*this) {}

FakeClock* FakeClock::running() noexcept { return running_clock; }

DelayedCall FakeClock::schedule(TimePoint deadline, unique_function<void()> fn) {
  return queue_.add(deadline, std::move(fn));
}

void FakeClock::advance(Duration by) {
  if (by < Duration::zero()) {
    throw std::invalid_argument("FakeClock::advance: negative step of " +
                                std::to_string(by.count()) + " ns; time only moves forward");
  }
  if (now_ > TimePoint::max() - by) {
    throw std::invalid_argument("FakeClock::advance: a step of " + std::to_string(by.count()) +
                                " ns from " + format_instant(now_) +
                                " is beyond the clock's range");
  }
  run_until(now_ + by);
}

void FakeClock::advance_to(TimePoint when) {
  if (when < now_) {
    throw std::invalid_argument("FakeClock::advance_to: " + format_instant(when) +
                                " is before now (" + format_instant(now_) + ")");
  }
  run_until(when);
}

bool FakeClock::advance_to_next() {
  std::optional<TimePoint> next = queue_.next_deadline();
  if (!next) return false;
  run_until(*next < now_ ? now_ : *next);
  return true;
}

void FakeClock::pump(std::initializer_list<Duration> steps) {
  for (Duration step : steps) advance(step);
}

void FakeClock::run_until(TimePoint end) {
  if (advancing_) {
    throw std::logic_error("FakeClock: advance called from inside a call it is running");
  }
  advancing_ = true;
  struct Reset {
    bool& flag;
    ~Reset() { flag = false; }
  } reset{advancing_};
  if (on_advance_) on_advance_();
  RunningGuard guard(this);

  std::optional<TimePoint> instant;  // the instant of the calls being run
  std::size_t run_at_instant = 0;
  std::size_t pending_on_arrival = 0;
  while (true) {
    std::optional<TimePoint> next = queue_.next_deadline();
    if (!next || *next > end) break;
    if (*next > now_) now_ = *next;
    if (instant != now_) {
      instant = now_;
      run_at_instant = 0;
      pending_on_arrival = queue_.size();
    }
    // Calls pending when time reached this instant are finite; anything beyond them plus
    // the bound was scheduled during this advance and keeps coming back.
    if (++run_at_instant > pending_on_arrival + step_bound_) {
      throw FakeClockRunaway("FakeClock: more than " + std::to_string(step_bound_) +
                             " calls scheduled and run at " + format_instant(now_) +
                             " during one advance; a call keeps rescheduling itself at the same "
                             "instant (use advance_to_next() to step, or set_step_bound())");
    }
    unique_function<void()> fn = queue_.pop_due(now_);
    fn();
  }
  now_ = end;
}

}  // namespace kit::fakes
