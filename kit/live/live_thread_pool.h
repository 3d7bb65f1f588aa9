// LiveThreadPool: the live reactor's threads for work that would block it.
//
// Threads start on demand, up to `max_threads` (Twisted's default of 10), and stay for
// the pool's lifetime. Work runs in the order submitted. Destroying the pool destroys
// the work that has not started (on the destroying thread) and waits for what is running.
//
// Thread safety: submit() from any thread; construction and destruction on one.
#ifndef KIT_LIVE_LIVE_THREAD_POOL_H_
#define KIT_LIVE_LIVE_THREAD_POOL_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "kit/thread_pool.h"

namespace kit::live {

class LiveThreadPool : public ThreadPool {
 public:
  static constexpr std::size_t default_max_threads = 10;

  explicit LiveThreadPool(std::size_t max_threads = default_max_threads);
  ~LiveThreadPool() override;
  LiveThreadPool(const LiveThreadPool&) = delete;
  LiveThreadPool& operator=(const LiveThreadPool&) = delete;

  void submit(unique_function<void()> work) override;

  // threads: how many threads have been started.
  std::size_t threads() const;

 private:
  void work_loop();

  const std::size_t max_threads_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<unique_function<void()>> queue_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace kit::live

#endif  // KIT_LIVE_LIVE_THREAD_POOL_H_
