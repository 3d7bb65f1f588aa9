// run_fail_matrix: Beast's fail-count loop as one call. It runs a scenario again and
// again, failing its 1st, 2nd, 3rd ... transport operation (or cutting the connection at
// byte 0, 1, 2 ... of one direction), until a run completes with no fault hit, and checks
// an invariant after every run. So every point at which a connection can break is tried,
// and the first one that breaks the invariant is named.
//
//   std::vector<std::string> lines;
//   EXPECT_TRUE(kit::testing::run_fail_matrix(
//       [&](kit::testing::FaultInjector& faults) {
//         lines.clear();
//         LineCollector server(lines);
//         Sender client({"one", "two"});
//         auto layer = faults.wrap(server);  // the connection's faults go here
//         kit::fakes::LoopbackPair pair(client, *layer);
//         pair.pump();
//       },
//       [&](const kit::testing::FailMatrixRun& run) -> ::testing::AssertionResult {
//         if (!is_prefix(lines, {"one", "two"})) return ::testing::AssertionFailure() << ...;
//         return ::testing::AssertionSuccess();
//       },
//       {.mode = kit::testing::FailMatrixMode::inbound_byte, .bound = 1000}));
//
// The scenario runs one session to its end (pump the pair, advance the clock, run the
// pool) and puts the connection under test behind faults.wrap(); it starts from fresh
// state each time. The invariant gets the run (the fault's index and plan, whether it was
// hit) and answers with an AssertionResult. GoogleTest failures inside the scenario are
// reported with the run's plan as a scoped trace.
//
// The result is a failure when the invariant fails (it names the run and the plan as C++
// to paste into a unit test: kit::fakes::FaultPlan{.fail_operation = 3}), when the
// scenario throws, when it never wraps a connection, or when `bound` runs all hit their
// fault (the scenario never finishes, or the bound is too small). It stops at the first
// failure.
//
// Thread safety: the test's thread.
#ifndef KIT_TESTING_FAIL_MATRIX_H_
#define KIT_TESTING_FAIL_MATRIX_H_

#include <gtest/gtest.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <utility>

#include "fakes/fault_injecting_layer.h"
#include "fakes/fault_plan.h"
#include "kit/protocol.h"

namespace kit::testing {

// FaultInjector: the faults of one run. Each wrap() puts a protocol under a
// FaultInjectingLayer with the run's plan, all of them writing into one log; each layer
// counts its own operations and bytes, so wrapping both ends breaks each at the index.
class FaultInjector {
 public:
  explicit FaultInjector(fakes::FaultPlan plan) : plan_(std::move(plan)) {}
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;

  const fakes::FaultPlan& plan() const noexcept { return plan_; }
  // wrap: `protocol` under a layer with the run's plan; the layer owns it.
  std::unique_ptr<fakes::FaultInjectingLayer> wrap(std::unique_ptr<Protocol> protocol);
  // wrap: a layer over a protocol the test owns, which must outlive the layer.
  std::unique_ptr<fakes::FaultInjectingLayer> wrap(Protocol& protocol);

  // layers: how many wrap() made. log: what they saw and injected.
  std::size_t layers() const noexcept { return layers_; }
  const fakes::FaultLog& log() const noexcept { return log_; }
  bool hit() const noexcept { return !log_.hits.empty(); }

 private:
  fakes::FaultPlan plan_;
  fakes::FaultLog log_;
  std::size_t layers_ = 0;
};

// FailMatrixMode: what each run breaks. operation: the Nth operation fails (N = 1, 2,
// ...); inbound_byte / outbound_byte: the connection is cut at byte offset N of that
// direction (N = 0, 1, ...).
enum class FailMatrixMode { operation, inbound_byte, outbound_byte };

struct FailMatrixOptions {
  FailMatrixMode mode = FailMatrixMode::operation;
  // ending: how the fault ends the connection (a reset, or a clean close).
  fakes::FaultEnding ending = fakes::FaultEnding::reset;
  // bound: the most runs; the matrix fails if none of them completes unfaulted.
  std::size_t bound = 10'000;
  // base: faults every run has as well (splitting, a delay); its cut and
  // fail_operation are replaced by the run's.
  fakes::FaultPlan base = {};
};

// FailMatrixRun: the run the invariant is asked about.
struct FailMatrixRun {
  std::size_t run;    // 1 for the first run
  std::size_t index;  // the operation failed (from 1) or the byte offset cut (from 0)
  const fakes::FaultPlan& plan;
  bool hit;  // the fault was injected (false for the last, complete run)
  const fakes::FaultLog& log;
};

using FailMatrixScenario = std::function<void(FaultInjector& faults)>;
using FailMatrixInvariant = std::function<::testing::AssertionResult(const FailMatrixRun& run)>;

// run_fail_matrix: see the top of this file.
::testing::AssertionResult run_fail_matrix(const FailMatrixScenario& scenario,
                                           const FailMatrixInvariant& invariant,
                                           FailMatrixOptions options = {});
// run_fail_matrix: failing operations, each fault a reset, at most `bound` runs.
::testing::AssertionResult run_fail_matrix(const FailMatrixScenario& scenario,
                                           const FailMatrixInvariant& invariant, std::size_t bound);

// plan_for: the plan of the run failing `index` (what the matrix gives FaultInjector).
fakes::FaultPlan plan_for(const FailMatrixOptions& options, std::size_t index);

}  // namespace kit::testing

#endif  // KIT_TESTING_FAIL_MATRIX_H_
