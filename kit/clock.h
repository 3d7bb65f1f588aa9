// Clock: the only way a protocol learns the time or asks to be called later.
//
// The live reactor's clock reads the monotonic system clock; FakeClock (fakes/) moves
// only when a test advances it. A protocol written against Clock runs the same on both.
//
// Calls due at the same instant run in the order they were scheduled. A negative delay,
// or one that would overflow the clock's range, is a programming error and throws
// std::invalid_argument.
//
// Thread safety: a Clock and its calls belong to one thread (the reactor's).
#ifndef KIT_CLOCK_H_
#define KIT_CLOCK_H_

#include "kit/delayed_call.h"
#include "kit/time.h"
#include "kit/unique_function.h"

namespace kit {

template <typename T>
class Deferred;

class Clock {
 public:
  using duration = Duration;
  using time_point = TimePoint;

  virtual ~Clock() = default;

  // now: the current time of this clock.
  virtual TimePoint now() const = 0;

  // call_later: schedules `fn` to run once, `delay` from now(). Keep the handle: dropping
  // it cancels the call (or call detach() on it).
  [[nodiscard]] DelayedCall call_later(Duration delay, unique_function<void()> fn);

  // sleep: a Deferred that fires `delay` from now; `co_await clock.sleep(d)` in a
  // coroutine. Cancelling it cancels the call. (Defined with Deferred, in //kit:deferred.)
  Deferred<void> sleep(Duration delay);

 protected:
  // Schedules `fn` at `deadline` (never before now()).
  virtual DelayedCall schedule(TimePoint deadline, unique_function<void()> fn) = 0;
};

}  // namespace kit

#endif  // KIT_CLOCK_H_
