#include "kit/live/live_thread_pool.h"

#include <stdexcept>
#include <utility>

#include "kit/failure.h"
#include "kit/log.h"

namespace kit::live {

LiveThreadPool::LiveThreadPool(Delivery delivery, std::size_t max_threads)
    : delivery_(std::move(delivery)), max_threads_(max_threads) {
  if (max_threads == 0) throw std::invalid_argument("LiveThreadPool: needs at least one thread");
  if (!delivery_) throw std::invalid_argument("LiveThreadPool: needs a delivery for results");
}

LiveThreadPool::~LiveThreadPool() {
  std::deque<Job> not_started;
  std::unordered_map<std::string, std::deque<Job>> waiting;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    not_started.swap(ready_);
    waiting.swap(busy_keys_);
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) thread.join();
  // `not_started` and `waiting` are destroyed here, on this thread, after the workers.
}

void LiveThreadPool::enqueue(Job job) {
  if (!job.key.empty()) {
    auto [it, fresh] = busy_keys_.try_emplace(job.key);
    if (!fresh) {
      it->second.push_back(std::move(job));  // behind the job of this key in flight
      return;
    }
  }
  ready_.push_back(std::move(job));
}

void LiveThreadPool::submit(std::string_view key, unique_function<void()> work,
                            unique_function<void()> done) {
  if (!work) throw std::invalid_argument("LiveThreadPool::submit: empty work");
  std::lock_guard lock(mutex_);
  if (stopping_) throw std::logic_error("LiveThreadPool::submit: the pool is stopping");
  enqueue(Job{std::string(key), std::move(work), std::move(done)});
  if (ready_.empty()) return;  // waits behind its key
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
    wake_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
    --idle_;
    if (stopping_) return;
    Job job = std::move(ready_.front());
    ready_.pop_front();
    lock.unlock();
    try {
      job.work();
    } catch (...) {
      // defer_to_thread catches what the work throws; anything else is a bug to report.
      log(LogLevel::error,
          "exception in a thread pool task: " + Failure::current_exception().what());
    }
    job.work = nullptr;  // destroyed here, before `done` can run on the reactor's thread
    if (job.done) delivery_(std::move(job.done));
    lock.lock();
    if (!job.key.empty()) {
      // The next job of this key may start now; the key stays busy while one waits.
      auto it = busy_keys_.find(job.key);
      if (it != busy_keys_.end()) {
        if (it->second.empty()) {
          busy_keys_.erase(it);
        } else {
          ready_.push_back(std::move(it->second.front()));
          it->second.pop_front();
          wake_.notify_one();
        }
      }
    }
  }
}

}  // namespace kit::live
