// defer_to_thread: runs a function on a ThreadPool and gives its result, on the
// reactor's thread, as a Deferred (Twisted's deferToThread).
//
//   // In a protocol: hash a file without blocking the reactor; jobs on one path in order.
//   kit::defer_to_thread(thread_pool(), path, [path] { return sha256_of_file(path); })
//       .add_callback([this](std::string digest) { send_line("OK " + digest); });
//
// `fn` runs on another thread: it must not touch reactor-thread state, and what it
// captures travels to the pool thread and back. An exception it throws becomes the
// failure. Cancelling the Deferred does not stop `fn`; its result is then dropped.
//
// Thread safety: call it on the reactor's thread.
#ifndef KIT_DEFER_TO_THREAD_H_
#define KIT_DEFER_TO_THREAD_H_

#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

#include "kit/deferred.h"
#include "kit/failure.h"
#include "kit/outcome.h"
#include "kit/thread_pool.h"

namespace kit {

// defer_to_thread: `fn` on `pool`; jobs with the same non-empty `key` run in order.
template <typename F>
Deferred<std::invoke_result_t<F&>> defer_to_thread(ThreadPool& pool, std::string_view key, F fn) {
  using R = std::invoke_result_t<F&>;
  static_assert(!detail::IsDeferred<std::decay_t<R>>::value,
                "defer_to_thread runs fn on another thread; it cannot return a Deferred");
  Deferred<R> result;
  // The work writes the outcome on the pool thread and never holds the Deferred, which
  // lives in `done` and is touched only on the reactor's thread.
  auto outcome = std::make_shared<Outcome<R>>();
  auto work = [fn = std::move(fn), outcome]() mutable {
    try {
      if constexpr (std::is_void_v<R>) {
        fn();
        *outcome = Outcome<R>::success();
      } else {
        *outcome = Outcome<R>(fn());
      }
    } catch (...) {
      *outcome = Outcome<R>(Failure::current_exception());
    }
  };
  auto done = [d = result, outcome = std::move(outcome)]() mutable {
    if (d.called()) return;  // cancelled meanwhile: the result is dropped
    if (outcome->has_failure()) {
      d.errback(outcome->failure());
    } else if constexpr (std::is_void_v<R>) {
      d.callback();
    } else {
      d.callback(std::move(*outcome).value());
    }
  };
  pool.submit(key, std::move(work), std::move(done));
  return result;
}

// defer_to_thread: `fn` on `pool`, with no ordering key.
template <typename F>
Deferred<std::invoke_result_t<F&>> defer_to_thread(ThreadPool& pool, F fn) {
  return defer_to_thread(pool, std::string_view(), std::move(fn));
}

}  // namespace kit

#endif  // KIT_DEFER_TO_THREAD_H_
