// FakeThreadPool: a ThreadPool whose work runs when the test says, on the test's thread.
//
// MemoryReactor hands defer_to_thread() work here. The test runs it (run_next, run_all)
// and then advances the reactor's clock to deliver the results, which come back through
// call_from_thread() as on the live reactor:
//
//   Deferred<int> d = reactor.defer_to_thread([] { return 6 * 7; });
//   reactor.thread_pool().run_all();
//   reactor.clock().advance(0);
//   EXPECT_EQ(success_result_of(d), 42);
//
// Thread safety: submit() may be called from any thread; the rest on the test's thread.
#ifndef KIT_FAKES_FAKE_THREAD_POOL_H_
#define KIT_FAKES_FAKE_THREAD_POOL_H_

#include <cstddef>
#include <deque>
#include <mutex>

#include "kit/thread_pool.h"
#include "kit/unique_function.h"

namespace kit::fakes {

class FakeThreadPool : public ThreadPool {
 public:
  void submit(unique_function<void()> work) override;

  // run_next: runs the oldest waiting work; false when there is none.
  bool run_next();
  // run_all: runs work until none waits (including work submitted meanwhile); how many.
  std::size_t run_all();
  // pending: work submitted and not yet run.
  std::size_t pending() const;

 private:
  mutable std::mutex mutex_;
  std::deque<unique_function<void()>> work_;
};

}  // namespace kit::fakes

#endif  // KIT_FAKES_FAKE_THREAD_POOL_H_
