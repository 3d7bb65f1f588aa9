#include "kit/clock.h"

#include <stdexcept>
#include <utility>

namespace kit {

DelayedCall Clock::call_later(Duration delay, unique_function<void()> fn) {
  if (delay < Duration::zero()) {
    throw std::invalid_argument("Clock::call_later: negative delay of " +
                                std::to_string(delay.count()) + " ns");
  }
  if (!fn) throw std::invalid_argument("Clock::call_later: empty function");
  return schedule(now() + delay, std::move(fn));
}

}  // namespace kit
