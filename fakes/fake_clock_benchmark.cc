// FakeClock, whose calls live in a heap, against a clock that keeps them in a sorted list
// as Twisted's task.Clock does: schedule N calls at random deadlines (a fixed seed), then
// fire them all with one advance. The heap costs O(log n) a call; the list O(n) a call,
// so the list's total grows with n squared.
//
//   bazel run -c opt //fakes:fake_clock_benchmark
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <utility>
#include <vector>

#include "fakes/fake_clock.h"
#include "kit/time.h"
#include "kit/unique_function.h"

namespace kit::fakes {
namespace {

constexpr Duration horizon = std::chrono::seconds(1000);

// The delays of one run: the same for every clock and every iteration.
const std::vector<Duration>& delays(std::size_t n) {
  static std::map<std::size_t, std::vector<Duration>> cache;
  std::vector<Duration>& out = cache[n];
  if (out.empty()) {
    std::mt19937_64 random(20240611);
    out.resize(n);
    for (Duration& delay : out)
      delay = Duration(static_cast<Duration::rep>(random() % horizon.count()));
  }
  return out;
}

// Twisted's task.Clock, in C++: callLater puts the call in a list sorted by deadline
// (Twisted appends and re-sorts; inserting in place is the same O(n) with a smaller
// constant), and advance pops due calls from the front of the list.
class SortedListClock {
 public:
  void call_later(Duration delay, unique_function<void()> fn) {
    auto call = std::make_unique<Call>(Call{now_ + delay, std::move(fn)});
    auto position = std::upper_bound(
        calls_.begin(), calls_.end(), call->deadline,
        [](TimePoint deadline, const std::unique_ptr<Call>& c) { return deadline < c->deadline; });
    calls_.insert(position, std::move(call));
  }

  void advance(Duration by) {
    now_ += by;
    while (!calls_.empty() && calls_.front()->deadline <= now_) {
      std::unique_ptr<Call> call = std::move(calls_.front());
      calls_.erase(calls_.begin());
      call->fn();
    }
  }

  std::size_t pending() const { return calls_.size(); }

 private:
  struct Call {
    TimePoint deadline;
    unique_function<void()> fn;
  };

  TimePoint now_{};
  std::vector<std::unique_ptr<Call>> calls_;
};

void BM_FakeClock_ScheduleThenFire(benchmark::State& state) {
  const std::vector<Duration>& schedule = delays(static_cast<std::size_t>(state.range(0)));
  std::uint64_t fired = 0;
  for (auto _ : state) {
    FakeClock clock;
    for (Duration delay : schedule) clock.call_later(delay, [&fired] { ++fired; }).detach();
    clock.advance(horizon);
    benchmark::DoNotOptimize(fired);
  }
  if (fired != schedule.size() * static_cast<std::uint64_t>(state.iterations())) {
    state.SkipWithError("not every call fired");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_FakeClock_ScheduleThenFire)
    ->Arg(1'000)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);

void BM_SortedListClock_ScheduleThenFire(benchmark::State& state) {
  const std::vector<Duration>& schedule = delays(static_cast<std::size_t>(state.range(0)));
  std::uint64_t fired = 0;
  for (auto _ : state) {
    SortedListClock clock;
    for (Duration delay : schedule) clock.call_later(delay, [&fired] { ++fired; });
    clock.advance(horizon);
    benchmark::DoNotOptimize(fired);
  }
  if (fired != schedule.size() * static_cast<std::uint64_t>(state.iterations())) {
    state.SkipWithError("not every call fired");
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
// A million would keep the list busy for about twenty minutes; 100,000 shows the trend.
BENCHMARK(BM_SortedListClock_ScheduleThenFire)
    ->Arg(1'000)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kit::fakes
