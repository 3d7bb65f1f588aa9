// DelayedCall: the handle to a call scheduled on a Clock.
//
// The handle owns the scheduled call: destroying it (or assigning over it) cancels the
// call, so a protocol whose timers are members cannot be called back after it is gone.
// detach() lets a call run without a handle ("fire and forget").
//
// While the call runs, active() is already false; it may schedule new calls, or reset a
// handle of its own, freely.
//
// Thread safety: a handle and its Clock belong to one thread (the reactor's).
#ifndef KIT_DELAYED_CALL_H_
#define KIT_DELAYED_CALL_H_

#include "kit/time.h"

namespace kit {

class TimerQueue;
namespace detail {
struct TimerNode;
}  // namespace detail

class DelayedCall {
 public:
  // An empty handle: not active, cancel() does nothing.
  DelayedCall() noexcept = default;
  DelayedCall(DelayedCall&& other) noexcept;
  DelayedCall& operator=(DelayedCall&& other) noexcept;
  DelayedCall(const DelayedCall&) = delete;
  DelayedCall& operator=(const DelayedCall&) = delete;
  // Cancels the call if it is still pending.
  ~DelayedCall();

  // active: true while the call is scheduled and has neither run nor been cancelled.
  bool active() const noexcept;

  // cancel: unschedules the call; returns whether it was still pending. The callable
  // (and what it captured) is destroyed now.
  bool cancel() noexcept;

  // reset: reschedules a pending call to run `delay` from the clock's now(). It then runs
  // after calls already scheduled for the same instant. Throws std::logic_error when the
  // call is not active, std::invalid_argument when `delay` is negative (or overflows).
  void reset(Duration delay);

  // delay: pushes a pending call later by `by` (which may be negative, down to now()).
  // Throws std::logic_error when the call is not active, std::invalid_argument when the
  // new deadline overflows.
  void delay(Duration by);

  // deadline: when the call runs (or ran, or would have run).
  TimePoint deadline() const noexcept;

  // detach: forgets the call; it stays scheduled and can no longer be cancelled.
  void detach() noexcept;

 private:
  friend class TimerQueue;
  explicit DelayedCall(detail::TimerNode* node) noexcept;
  void release() noexcept;

  detail::TimerNode* node_ = nullptr;
};

}  // namespace kit

#endif  // KIT_DELAYED_CALL_H_
