#include "protocols/policies/idle_timeout.h"

#include <stdexcept>
#include <string>
#include <utility>

namespace kit::protocols {

IdleTimeout::IdleTimeout(Clock& clock, unique_function<void()> on_timeout)
    : clock_(clock), on_timeout_(std::move(on_timeout)) {}

std::optional<Duration> IdleTimeout::set_timeout(std::optional<Duration> timeout) {
  if (timeout && *timeout < Duration::zero()) {
    throw std::invalid_argument("IdleTimeout::set_timeout: negative timeout of " +
                                std::to_string(timeout->count()) + " ns");
  }
  std::optional<Duration> previous = std::exchange(timeout_, timeout);
  call_.cancel();
  if (timeout_) {
    last_activity_ = clock_.now();
    call_ = clock_.call_later(*timeout_, [this] { due(); });
  }
  return previous;
}

void IdleTimeout::reset() {
  if (call_.active()) last_activity_ = clock_.now();
}

void IdleTimeout::due() {
  const TimePoint deadline = last_activity_ + *timeout_;
  const TimePoint now = clock_.now();
  if (now < deadline) {
    call_ = clock_.call_later(deadline - now, [this] { due(); });  // there was activity
    return;
  }
  // Last: the callback may close the connection, set a new timeout, or destroy this.
  on_timeout_();
}

}  // namespace kit::protocols
