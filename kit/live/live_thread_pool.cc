#include "kit/live/live_thread_pool.h"

#include <stdexcept>
#include <utility>

#include "kit/failure.h"
#include "kit/log.h"

namespace kit::live {

LiveThreadPool::LiveThreadPool(std::size_t max_threads) : max_threads_(max_threads) {
  if (max_threads == 0) throw std::invalid_argument("LiveThreadPool: needs at least one thread");
}

LiveThreadPool::~LiveThreadPool() {
  std::deque<unique_function<void()>> not_started;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    not_started.swap(queue_);
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) thread.join();
  // `not_started` is destroyed here, on this thread, after the workers are gone.
}

void LiveThreadPool::submit(unique_function<void()> work) {
  if (!work) throw std::invalid_argument("LiveThreadPool::submit: empty work");
  std::lock_guard lock(mutex_);
  if (stopping_) throw std::logic_error("LiveThreadPool::submit: the pool is stopping");
  queue_.push_back(std::move(work));
  if (idle_ == 0 && threads_.size() < max_threads_) {
    threads_.emplace_back([this] { work_loop(); });
  } else {
    wake_.notify_one();
  }
}

std::size_t LiveThreadPool::threads() const {
  std::lock_guard lock(mutex_);
  return threads_.size();
}

void LiveThreadPool::work_loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    ++idle_;
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    --idle_;
    if (stopping_) return;
    unique_function<void()> work = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    try {
      work();
    } catch (...) {
      // defer_to_thread catches what the work throws; anything else is a bug to report.
      log(LogLevel::error,
          "exception in a thread pool task: " + Failure::current_exception().what());
    }
    work = nullptr;  // destroyed outside the lock
    lock.lock();
  }
}

}  // namespace kit::live
