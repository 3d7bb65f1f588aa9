// Costs of the Deferred machinery (issue: the async core).
//
//   bazel run -c opt //kit:deferred_benchmark
#include <benchmark/benchmark.h>

#include <vector>

#include "kit/deferred.h"

namespace kit {
namespace {

// A Deferred with ten callbacks, fired: the common "chain of small steps" case.
void BM_TenStepCallbackChain(benchmark::State& state) {
  for (auto _ : state) {
    Deferred<int> d;
    for (int i = 0; i < 10; ++i) d.add_callback([](int x) { return x + 1; });
    d.callback(0);
    benchmark::DoNotOptimize(d.peek_value());
  }
  state.SetItemsProcessed(state.iterations() * 10);
}
BENCHMARK(BM_TenStepCallbackChain);

// The same chain, fired before the callbacks are added (each runs as it is added).
void BM_TenStepCallbackChainFiredFirst(benchmark::State& state) {
  for (auto _ : state) {
    Deferred<int> d;
    d.callback(0);
    for (int i = 0; i < 10; ++i) d.add_callback([](int x) { return x + 1; });
    benchmark::DoNotOptimize(d.peek_value());
  }
  state.SetItemsProcessed(state.iterations() * 10);
}
BENCHMARK(BM_TenStepCallbackChainFiredFirst);

Deferred<long> sum_all(std::vector<Deferred<int>>& inputs) {
  long total = 0;
  for (Deferred<int>& d : inputs) total += co_await d;
  co_return total;
}

// A coroutine awaiting 1,000 Deferreds that already have their result.
void BM_CoroutineAwaitingThousandFiredDeferreds(benchmark::State& state) {
  std::vector<Deferred<int>> inputs;
  for (auto _ : state) {
    state.PauseTiming();
    inputs.clear();
    for (int i = 0; i < 1000; ++i) inputs.push_back(succeed(i));
    state.ResumeTiming();
    Deferred<long> total = sum_all(inputs);
    benchmark::DoNotOptimize(total.peek_value());
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_CoroutineAwaitingThousandFiredDeferreds);

// Creating and firing 1,000 Deferreds and awaiting them: the whole cost per await.
void BM_CoroutineCreateFireAwaitThousand(benchmark::State& state) {
  std::vector<Deferred<int>> inputs;
  inputs.reserve(1000);
  for (auto _ : state) {
    inputs.clear();
    for (int i = 0; i < 1000; ++i) inputs.push_back(succeed(i));
    Deferred<long> total = sum_all(inputs);
    benchmark::DoNotOptimize(total.peek_value());
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_CoroutineCreateFireAwaitThousand);

}  // namespace
}  // namespace kit
