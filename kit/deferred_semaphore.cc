#include "kit/deferred_semaphore.h"

#include <algorithm>
#include <stdexcept>

namespace kit {

DeferredSemaphore::DeferredSemaphore(std::size_t tokens) : limit_(tokens), available_(tokens) {
  if (tokens == 0) throw std::invalid_argument("DeferredSemaphore: needs at least one token");
}

DeferredSemaphore::~DeferredSemaphore() {
  std::deque<std::shared_ptr<Waiter>> waiters = std::move(waiters_);
  waiters_.clear();
  for (auto& waiter : waiters) {
    waiter->acquired.errback(Failure(errc::cancelled, "the DeferredSemaphore was destroyed"));
  }
}

Deferred<void> DeferredSemaphore::acquire() {
  if (available_ > 0 && waiters_.empty()) {
    --available_;
    return succeed();
  }
  auto waiter = std::make_shared<Waiter>();
  std::weak_ptr<Waiter> weak = waiter;
  waiter->acquired = Deferred<void>([this, weak](Deferred<void>&) {
    // Cancelled while in line: leave the line (cancel() then fails it).
    auto it = std::find_if(waiters_.begin(), waiters_.end(),
                           [&](const std::shared_ptr<Waiter>& w) { return w == weak.lock(); });
    if (it != waiters_.end()) waiters_.erase(it);
  });
  waiters_.push_back(waiter);
  return waiter->acquired;
}

void DeferredSemaphore::release() {
  if (available_ + 1 > limit_) {
    throw std::logic_error("DeferredSemaphore::release: no token is held");
  }
  if (!waiters_.empty()) {
    std::shared_ptr<Waiter> next = std::move(waiters_.front());
    waiters_.pop_front();
    next->acquired.callback();  // the token goes straight to the next in line
    return;
  }
  ++available_;
}

}  // namespace kit
