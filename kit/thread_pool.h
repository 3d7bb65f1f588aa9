// ThreadPool: where work that would block the reactor runs (file I/O, hashing a large
// file, a blocking library call), and how its result comes back.
//
// Protocols never start threads: they reach their context's pool (kit/context.h) and
// call kit::defer_to_thread (kit/defer_to_thread.h), which runs the work on a pool thread
// and gives its result on the reactor's thread as a Deferred. The live reactor's pool
// runs real threads; FakeThreadPool (fakes/) runs the work when the test says, so tests
// stay deterministic.
//
// Ordering: jobs submitted with the same non-empty key (a file's path, say) run one at a
// time, in the order submitted, and their `done` calls come in that order; jobs with
// different keys, or none, may run at once and finish in any order.
//
// Thread safety: submit() may be called from any thread; `done` always runs on the
// thread that owns the pool's results (the reactor's).
#ifndef KIT_THREAD_POOL_H_
#define KIT_THREAD_POOL_H_

#include <string_view>

#include "kit/unique_function.h"

namespace kit {

class ThreadPool {
 public:
  virtual ~ThreadPool() = default;

  // submit: runs `work` on a thread of the pool, later, then `done` (if any) on the
  // reactor's thread. `work` must not throw (defer_to_thread catches for it). Work that
  // never ran when the pool goes away is destroyed, with its `done`, on the thread that
  // destroys the pool.
  virtual void submit(std::string_view key, unique_function<void()> work,
                      unique_function<void()> done) = 0;

  // submit: work with no key and nothing to run afterwards.
  void submit(unique_function<void()> work) { submit({}, std::move(work), nullptr); }
};

}  // namespace kit

#endif  // KIT_THREAD_POOL_H_
