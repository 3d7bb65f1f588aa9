// ThreadPool: where work that would block the reactor runs (file I/O, hashing a large
// file, a blocking library call).
//
// Protocols never start threads: they ask the reactor (Reactor::defer_to_thread), which
// hands the work to its pool and brings the result back to the reactor's thread as a
// Deferred. The live reactor's pool runs real threads; the fakes' pool runs the work when
// the test says, so tests stay deterministic.
//
// Thread safety: submit() may be called from any thread.
#ifndef KIT_THREAD_POOL_H_
#define KIT_THREAD_POOL_H_

#include "kit/unique_function.h"

namespace kit {

class ThreadPool {
 public:
  virtual ~ThreadPool() = default;

  // submit: runs `work` on a thread of the pool, later. Work that never ran when the
  // pool goes away is destroyed on the thread that destroys the pool.
  virtual void submit(unique_function<void()> work) = 0;
};

}  // namespace kit

#endif  // KIT_THREAD_POOL_H_
