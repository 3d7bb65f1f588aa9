#include "fakes/fake_thread_pool.h"

#include <stdexcept>
#include <utility>

#include "fakes/driving.h"

namespace kit::fakes {

void FakeThreadPool::submit(std::string_view key, unique_function<void()> work,
                            unique_function<void()> done) {
  if (!work) throw std::invalid_argument("FakeThreadPool::submit: empty work");
  std::lock_guard lock(mutex_);
  jobs_.push_back(Job{std::string(key), std::move(work), std::move(done)});
}

bool FakeThreadPool::run_next() {
  Job job;
  {
    std::lock_guard lock(mutex_);
    if (jobs_.empty()) return false;
    job = std::move(jobs_.front());
    jobs_.pop_front();
  }
  job.work();
  job.work = nullptr;  // as on the live pool: the work is gone before `done` runs
  if (!job.done) return true;
  if (delivery_) {
    delivery_(std::move(job.done));
  } else {
    drive(std::move(job.done));
  }
  return true;
}

std::size_t FakeThreadPool::run_all() {
  std::size_t ran = 0;
  while (run_next()) ++ran;
  return ran;
}

std::size_t FakeThreadPool::pending() const {
  std::lock_guard lock(mutex_);
  return jobs_.size();
}

std::vector<std::string> FakeThreadPool::pending_keys() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> keys;
  for (const Job& job : jobs_) keys.push_back(job.key);
  return keys;
}

}  // namespace kit::fakes
