// LoopingCall: calls a function every `interval` on a Clock (Twisted's task.LoopingCall).
//
// Calls are aligned on start time + k * interval. When a call runs late by one interval
// or more (a slow callback, a busy reactor), the slots it ran late for are skipped, not
// run in a burst: the next call is the first slot after now, and skipped() counts the
// others. (FakeClock runs each call at its own deadline, so it never skips: advancing it
// by N intervals runs N calls.) With an interval of zero the function runs on every turn
// of the reactor. If the function throws, the loop stops and the exception propagates.
//
// Thread safety: the clock's thread. The function may call stop(), but must not destroy
// the LoopingCall.
#ifndef KIT_LOOPING_CALL_H_
#define KIT_LOOPING_CALL_H_

#include <cstdint>

#include "kit/clock.h"
#include "kit/delayed_call.h"
#include "kit/unique_function.h"

namespace kit {

class LoopingCall {
 public:
  LoopingCall(Clock& clock, unique_function<void()> fn);
  LoopingCall(const LoopingCall&) = delete;
  LoopingCall& operator=(const LoopingCall&) = delete;
  ~LoopingCall() = default;  // the pending call is cancelled with its handle

  // start: calls the function every `interval`, the first time now (when `now`) or after
  // one interval. Throws std::logic_error if running, std::invalid_argument if the
  // interval is negative.
  void start(Duration interval, bool now = true);

  // stop: no further calls (idempotent).
  void stop();

  bool running() const noexcept { return running_; }
  Duration interval() const noexcept { return interval_; }
  // calls: how many times the function has run. skipped: intervals skipped.
  std::uint64_t calls() const noexcept { return calls_; }
  std::uint64_t skipped() const noexcept { return skipped_; }

 private:
  void fire();
  void schedule_next();

  Clock& clock_;
  unique_function<void()> fn_;
  Duration interval_{};
  TimePoint started_{};
  std::uint64_t next_index_ = 0;  // the next call is at started_ + next_index_ * interval_
  std::uint64_t calls_ = 0;
  std::uint64_t skipped_ = 0;
  bool running_ = false;
  DelayedCall call_;
};

}  // namespace kit

#endif  // KIT_LOOPING_CALL_H_
