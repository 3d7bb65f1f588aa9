#include "kit/looping_call.h"

#include <stdexcept>
#include <utility>

namespace kit {

LoopingCall::LoopingCall(Clock& clock, unique_function<void()> fn)
    : clock_(clock), fn_(std::move(fn)) {}

void LoopingCall::start(Duration interval, bool now) {
  if (running_) throw std::logic_error("LoopingCall::start: already running");
  if (interval < Duration::zero()) throw std::invalid_argument("LoopingCall::start: negative interval");
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
  fn_();
  if (running_) schedule_next();
}

void LoopingCall::schedule_next() {
  TimePoint now = clock_.now();
  if (interval_ == Duration::zero()) {
    call_ = clock_.call_later(Duration::zero(), [this] { fire(); });
    return;
  }
  TimePoint next = started_ + interval_ * static_cast<std::int64_t>(next_index_);
  if (next < now) {
    // The clock jumped past one or more calls: skip to the first one not yet due... but
    // never skip the one due exactly now.
    std::uint64_t behind = static_cast<std::uint64_t>((now - next) / interval_);
    if (next + interval_ * static_cast<std::int64_t>(behind) < now) ++behind;
    skipped_ += behind;
    next_index_ += behind;
    next = started_ + interval_ * static_cast<std::int64_t>(next_index_);
  }
  call_ = clock_.call_later(next - now, [this] { fire(); });
}

}  // namespace kit
