// LiveThreadPool: the live reactor's threads for work that would block it.
//
// Threads start on demand, up to `max_threads` (Twisted's default of 10), and stay for
// the pool's lifetime. Jobs start in the order submitted, except that a job whose key is
// running already waits for it: jobs of one key run one at a time, in order (a strand
// per key), so writes to one file never overtake each other. Each job's `done` goes to
// the pool's delivery (the reactor's call_from_thread) after its work returns and is
// destroyed, so `done` runs on the reactor's thread, in the order the work finished.
// Destroying the pool destroys the work that has not started (on the destroying thread)
// and waits for what is running.
//
// Thread safety: submit() from any thread; construction and destruction on one.
#ifndef KIT_LIVE_LIVE_THREAD_POOL_H_
#define KIT_LIVE_LIVE_THREAD_POOL_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "kit/thread_pool.h"
#include "kit/unique_function.h"

namespace kit::live {

class LiveThreadPool : public ThreadPool {
 public:
  static constexpr std::size_t default_max_threads = 10;
  // Delivery: hands `done` to the thread that owns the results (called on a pool thread).
  using Delivery = unique_function<void(unique_function<void()> done)>;

  explicit LiveThreadPool(Delivery delivery, std::size_t max_threads = default_max_threads);
  ~LiveThreadPool() override;
  LiveThreadPool(const LiveThreadPool&) = delete;
  LiveThreadPool& operator=(const LiveThreadPool&) = delete;

  using ThreadPool::submit;
  void submit(std::string_view key, unique_function<void()> work,
              unique_function<void()> done) override;

  // threads: how many threads have been started.
  std::size_t threads() const;

 private:
  struct Job {
    std::string key;
    unique_function<void()> work;
    unique_function<void()> done;
  };

  void work_loop();
  // Queues `job` to run, or behind the running job of its key. Under the lock.
  void enqueue(Job job);

  Delivery delivery_;
  const std::size_t max_threads_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> ready_;  // may start now
  // Keys with a job queued or running, and the jobs of each waiting behind it.
  std::unordered_map<std::string, std::deque<Job>> busy_keys_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace kit::live

#endif  // KIT_LIVE_LIVE_THREAD_POOL_H_
