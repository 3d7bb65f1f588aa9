#include "kit/clock.h"

#include <stdexcept>
#include <string>
#include <utility>

namespace kit {

DelayedCall Clock::call_later(Duration delay, unique_function<void()> fn) {
  if (delay < Duration::zero()) {
    throw std::invalid_argument("Clock::call_later: negative delay of " +
                                std::to_string(delay.count()) + " ns");
  }
  if (!fn) throw std::invalid_argument("Clock::call_later: empty function");
  TimePoint current = now();
  if (current > TimePoint::max() - delay) {
    throw std::invalid_argument("Clock::call_later: a delay of " + std::to_string(delay.count()) +
                                " ns is beyond the clock's range");
  }
  return schedule(current + delay, std::move(fn));
}

}  // namespace kit
