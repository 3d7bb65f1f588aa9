#include "fakes/fake_thread_pool.h"

#include <utility>

namespace kit::fakes {

void FakeThreadPool::submit(unique_function<void()> work) {
  std::lock_guard lock(mutex_);
  work_.push_back(std::move(work));
}

bool FakeThreadPool::run_next() {
  unique_function<void()> work;
  {
    std::lock_guard lock(mutex_);
    if (work_.empty()) return false;
    work = std::move(work_.front());
    work_.pop_front();
  }
  work();
  return true;
}

std::size_t FakeThreadPool::run_all() {
  std::size_t ran = 0;
  while (run_next()) ++ran;
  return ran;
}

std::size_t FakeThreadPool::pending() const {
  std::lock_guard lock(mutex_);
  return work_.size();
}

}  // namespace kit::fakes
