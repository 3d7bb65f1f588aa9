// DeferredSemaphore and DeferredLock: limits on concurrent work, as Deferreds.
//
//   DeferredSemaphore jobs(3);
//   Deferred<Page> page = jobs.run([&] { return fetch(url); });   // at most 3 at once
//
// acquire() gives a Deferred that fires once a token is held; release() gives it back.
// Waiters are served in the order they asked. Cancelling a waiting acquire() takes it
// out of the line. Destroying the semaphore fails the waiters still in line with
// errc::cancelled.
//
// Thread safety: the reactor's thread.
#ifndef KIT_DEFERRED_SEMAPHORE_H_
#define KIT_DEFERRED_SEMAPHORE_H_

#include <cstddef>
#include <deque>
#include <memory>
#include <type_traits>
#include <utility>

#include "kit/deferred.h"

namespace kit {

class DeferredSemaphore {
 public:
  // A semaphore with `tokens` tokens (at least one).
  explicit DeferredSemaphore(std::size_t tokens);
  DeferredSemaphore(const DeferredSemaphore&) = delete;
  DeferredSemaphore& operator=(const DeferredSemaphore&) = delete;
  ~DeferredSemaphore();

  // acquire: fires (with the token held) now if one is free, else when one is released.
  Deferred<void> acquire();

  // release: gives a token back, to the first waiter if any. Throws std::logic_error
  // when no token is held.
  void release();

  // run: acquire(), then fn() (see maybe_deferred), then release() once fn's result is
  // there, whatever it is. Gives fn's result.
  template <typename F>
  auto run(F fn) {
    auto shared = std::make_shared<F>(std::move(fn));
    return acquire().add_callback([this, shared] {
      auto result = maybe_deferred(*shared);
      using T = typename decltype(result)::value_type;
      return result.add_both([this](Outcome<T> outcome) {
        release();
        return outcome;
      });
    });
  }

  std::size_t limit() const noexcept { return limit_; }
  // available: tokens not held now.
  std::size_t available() const noexcept { return available_; }
  // waiting: acquire() calls in line.
  std::size_t waiting() const noexcept { return waiters_.size(); }

 private:
  struct Waiter {
    Deferred<void> acquired;
  };

  std::size_t limit_;
  std::size_t available_;
  std::deque<std::shared_ptr<Waiter>> waiters_;
};

// DeferredLock: a DeferredSemaphore with one token.
class DeferredLock : public DeferredSemaphore {
 public:
  DeferredLock() : DeferredSemaphore(1) {}
  bool locked() const noexcept { return available() == 0; }
};

}  // namespace kit

#endif  // KIT_DEFERRED_SEMAPHORE_H_
