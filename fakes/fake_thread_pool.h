// FakeThreadPool: a ThreadPool whose work runs when the test says, on the test's thread.
//
// Work waits until the test runs it (run_next, run_all). Then its `done` -- for
// kit::defer_to_thread, the Deferred firing -- is handed to the pool's delivery: by
// default it runs at once as a driving call (fakes/driving.h), so what the protocol asks
// in it completes after it returns, as from any reactor callback:
//
//   kit::fakes::FakeThreadPool pool;
//   kit::Deferred<int> d = kit::defer_to_thread(pool, [] { return 6 * 7; });
//   pool.run_all();
//   EXPECT_EQ(kit::testing::success_result_of(d), 42);
//
// MemoryReactor gives a delivery of its own (call_from_thread: the result comes on the
// clock's next advance, as on the live reactor). Work runs in the order submitted, which
// keeps the order the pool promises for jobs of one key.
//
// Thread safety: submit() may be called from any thread; the rest on the test's thread.
#ifndef KIT_FAKES_FAKE_THREAD_POOL_H_
#define KIT_FAKES_FAKE_THREAD_POOL_H_

#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "kit/thread_pool.h"
#include "kit/unique_function.h"

namespace kit::fakes {

class FakeThreadPool : public ThreadPool {
 public:
  using Delivery = unique_function<void(unique_function<void()> done)>;

  // With no delivery, `done` runs at once, as a driving call.
  explicit FakeThreadPool(Delivery delivery = nullptr) : delivery_(std::move(delivery)) {}

  using ThreadPool::submit;
  void submit(std::string_view key, unique_function<void()> work,
              unique_function<void()> done) override;

  // run_next: runs the oldest waiting work, then delivers its `done`; false when none.
  bool run_next();
  // run_all: runs work until none waits (including work submitted meanwhile); how many.
  std::size_t run_all();
  // pending: work submitted and not yet run.
  std::size_t pending() const;
  // pending_keys: the keys of the work waiting, oldest first ("" for none).
  std::vector<std::string> pending_keys() const;

 private:
  struct Job {
    std::string key;
    unique_function<void()> work;
    unique_function<void()> done;
  };

  Delivery delivery_;
  mutable std::mutex mutex_;
  std::deque<Job> jobs_;
};

}  // namespace kit::fakes

#endif  // KIT_FAKES_FAKE_THREAD_POOL_H_
