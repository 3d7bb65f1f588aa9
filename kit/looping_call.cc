#include "kit/looping_call.h"

#include <stdexcept>
#include <utility>

namespace kit {

LoopingCall::LoopingCall(Clock& clock, unique_function<void()> fn)
    : clock_(clock), fn_(std::move(fn)) {}

void LoopingCall::start(Duration interval, bool now) {
  if (running_) throw std::logic_error("LoopingCall::start: already running");
  if (interval < Duration::zero()) {
    throw std::invalid_argument("LoopingCall::start: negative interval");
  }
  running_ = true;
  interval_ = interval;
  started_ = clock_.now();
  next_index_ = now ? 0 : 1;
  if (now) {
    fire();
  } else {
    schedule_next();
  }
}

void LoopingCall::stop() {
  running_ = false;
  call_.cancel();
}

void LoopingCall::fire() {
  ++next_index_;
  ++calls_;
  try {
    fn_();
  } catch (...) {
    // A loop whose function failed must not claim to be running with nothing scheduled.
    stop();
    throw;
  }
  if (running_) schedule_next();
}

void LoopingCall::schedule_next() {
  TimePoint now = clock_.now();
  if (interval_ == Duration::zero()) {
    call_ = clock_.call_later(Duration::zero(), [this] { fire(); });
    return;
  }
  TimePoint next = started_ + interval_ * static_cast<std::int64_t>(next_index_);
  if (next <= now) {
    // The call ran late (or took long): it stands for every slot up to now, and the next
    // one is the first slot after now, so a late clock never gets a burst of calls.
    std::uint64_t behind = static_cast<std::uint64_t>((now - next) / interval_) + 1;
    skipped_ += behind;
    next_index_ += behind;
    next = started_ + interval_ * static_cast<std::int64_t>(next_index_);
  }
  call_ = clock_.call_later(next - now, [this] { fire(); });
}

}  // namespace kit
