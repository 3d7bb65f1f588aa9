// Work on other threads through the live reactor: defer_to_thread on its LiveThreadPool,
// and call_from_thread from threads of the test. Run under --config=tsan as well.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "kit/deferred_list.h"
#include "kit/live/live_reactor.h"
#include "kit/live/live_thread_pool.h"
#include "testing/deferred_assertions.h"

namespace kit::live {
namespace {

using namespace std::chrono_literals;
using kit::testing::failure_result_of;
using kit::testing::success_result_of;

TEST(LiveThreads, DeferToThreadRunsElsewhereAndFiresOnTheReactorThread) {
  LiveReactor reactor;
  const std::thread::id reactor_thread = std::this_thread::get_id();
  std::thread::id work_thread;
  std::thread::id callback_thread;
  Deferred<int> d = reactor.defer_to_thread([&] {
    work_thread = std::this_thread::get_id();
    return 7;
  });
  Deferred<int> seen = d.add_callback([&](int x) {
    callback_thread = std::this_thread::get_id();
    return x;
  });
  ASSERT_TRUE(reactor.run_until([&] { return seen.has_result(); }, 10s));
  EXPECT_EQ(success_result_of(seen), 7);
  EXPECT_NE(work_thread, reactor_thread);
  EXPECT_EQ(callback_thread, reactor_thread);
}

TEST(LiveThreads, ManyTasksAllComeBackInTheirOwnDeferreds) {
  LiveReactor reactor;
  std::vector<Deferred<int>> tasks;
  for (int i = 0; i < 200; ++i) tasks.push_back(reactor.defer_to_thread([i] { return i * i; }));
  Deferred<std::vector<int>> all = gather(std::move(tasks));
  ASSERT_TRUE(reactor.run_until([&] { return all.has_result(); }, 10s));
  const std::vector<int>& squares = success_result_of(all);
  ASSERT_EQ(squares.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(squares[i], i * i);
}

TEST(LiveThreads, ExceptionOnThePoolThreadIsTheFailure) {
  LiveReactor reactor;
  Deferred<int> d = reactor.defer_to_thread([]() -> int { throw std::runtime_error("bad input"); });
  ASSERT_TRUE(reactor.run_until([&] { return d.has_result(); }, 10s));
  EXPECT_EQ(failure_result_of(d).what(), "bad input");
}

TEST(LiveThreads, CallFromThreadFromManyThreadsRunsEveryCallOnTheReactor) {
  LiveReactor reactor;
  const std::thread::id reactor_thread = std::this_thread::get_id();
  int calls = 0;  // touched only on the reactor's thread
  std::atomic<int> wrong_thread{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 250; ++i) {
        reactor.call_from_thread([&] {
          if (std::this_thread::get_id() != reactor_thread) ++wrong_thread;
          ++calls;
        });
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_TRUE(reactor.run_until([&] { return calls == 1000; }, 10s));
  EXPECT_EQ(wrong_thread.load(), 0);
}

TEST(LiveThreadPool, StartsThreadsOnDemandUpToItsLimit) {
  std::mutex mutex;
  std::condition_variable all_done;
  int done = 0;
  LiveThreadPool pool(2);
  EXPECT_EQ(pool.threads(), 0u);
  for (int i = 0; i < 20; ++i) {
    pool.submit([&] {
      std::lock_guard lock(mutex);
      if (++done == 20) all_done.notify_one();
    });
  }
  EXPECT_LE(pool.threads(), 2u);
  EXPECT_GE(pool.threads(), 1u);
  std::unique_lock lock(mutex);
  ASSERT_TRUE(all_done.wait_for(lock, 10s, [&] { return done == 20; }));
}

}  // namespace
}  // namespace kit::live
