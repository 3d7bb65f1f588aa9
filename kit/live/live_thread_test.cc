// Work on other threads through the live reactor: defer_to_thread on its LiveThreadPool,
// and call_from_thread from threads of the test. Run under --config=tsan as well.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
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
  LiveThreadPool pool([](unique_function<void()> done) { done(); }, 2);
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

TEST(LiveThreadPool, JobsOfOneKeyRunOneAtATimeInOrderAndFinishInOrder) {
  LiveReactor reactor;
  constexpr int jobs = 200;
  std::atomic<int> running{0};
  std::atomic<int> overlapped{0};
  std::vector<int> ran;       // written by pool threads, one at a time (the key's strand)
  std::vector<int> finished;  // on the reactor's thread
  std::vector<Deferred<void>> results;
  for (int i = 0; i < jobs; ++i) {
    results.push_back(defer_to_thread(reactor.thread_pool(), "one/file", [&, i] {
      if (running.fetch_add(1) != 0) ++overlapped;
      ran.push_back(i);
      running.fetch_sub(1);
    }));
    results.back().add_callback([&finished, i] { finished.push_back(i); });
  }
  ASSERT_TRUE(reactor.run_until([&] { return finished.size() == jobs; }, 10s));
  EXPECT_EQ(overlapped.load(), 0);
  for (int i = 0; i < jobs; ++i) {
    ASSERT_EQ(ran[static_cast<std::size_t>(i)], i);
    ASSERT_EQ(finished[static_cast<std::size_t>(i)], i);
  }
}

TEST(LiveThreadPool, JobsOfDifferentKeysRunAtOnce) {
  // Each job waits until the other has started: that ends only if both run together.
  LiveReactor reactor;
  std::mutex mutex;
  std::condition_variable changed;
  int started = 0;
  bool both = true;
  auto meet = [&] {
    std::unique_lock lock(mutex);
    ++started;
    changed.notify_all();
    if (!changed.wait_for(lock, 10s, [&] { return started == 2; })) both = false;
  };
  int finished = 0;
  defer_to_thread(reactor.thread_pool(), "a", meet).add_callback([&] { ++finished; });
  defer_to_thread(reactor.thread_pool(), "b", meet).add_callback([&] { ++finished; });
  ASSERT_TRUE(reactor.run_until([&] { return finished == 2; }, 20s));
  EXPECT_TRUE(both) << "the second key waited for the first";
}

TEST(LiveThreadPool, AKeyFreesUpForLaterJobs) {
  LiveReactor reactor;
  int finished = 0;
  for (int round = 0; round < 3; ++round) {
    defer_to_thread(reactor.thread_pool(), "k", [] {}).add_callback([&] { ++finished; });
    ASSERT_TRUE(reactor.run_until([&] { return finished == round + 1; }, 10s));
  }
}

}  // namespace
}  // namespace kit::live
