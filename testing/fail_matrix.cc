#include "testing/fail_matrix.h"

#include <exception>
#include <string>
#include <string_view>
#include <utility>

#include "testing/conformance/relay_protocol.h"

namespace kit::testing {

namespace {

std::string_view mode_name(FailMatrixMode mode) {
  switch (mode) {
    case FailMatrixMode::operation:
      return "failing operation";
    case FailMatrixMode::inbound_byte:
      return "cutting inbound at byte";
    case FailMatrixMode::outbound_byte:
      return "cutting outbound at byte";
  }
  return "?";
}

std::string describe(const FailMatrixOptions& options) {
  return "fail matrix (" + std::string(mode_name(options.mode)) + " N, then " +
         std::string(fakes::to_string(options.ending)) + ")";
}

std::string describe_run(const FailMatrixOptions& options, std::size_t run, std::size_t index,
                         const fakes::FaultPlan& plan) {
  return "run " + std::to_string(run) + ", " + std::string(mode_name(options.mode)) + " " +
         std::to_string(index) + "; reproduce with " + fakes::to_string(plan);
}

}  // namespace

std::unique_ptr<fakes::FaultInjectingLayer> FaultInjector::wrap(
    std::unique_ptr<Protocol> protocol) {
  ++layers_;
  return std::make_unique<fakes::FaultInjectingLayer>(std::move(protocol), plan_, &log_);
}

// The layer owns a relay to the test's protocol.
std::unique_ptr<fakes::FaultInjectingLayer> FaultInjector::wrap(Protocol& protocol) {
  return wrap(std::make_unique<RelayProtocol>(protocol));
}

fakes::FaultPlan plan_for(const FailMatrixOptions& options, std::size_t index) {
  fakes::FaultPlan plan = options.base;
  plan.cut.reset();
  plan.fail_operation = 0;
  switch (options.mode) {
    case FailMatrixMode::operation:
      plan.fail_operation = index;
      plan.fail_ending = options.ending;
      break;
    case FailMatrixMode::inbound_byte:
    case FailMatrixMode::outbound_byte:
      plan.cut = fakes::FaultCut{.direction = options.mode == FailMatrixMode::inbound_byte
                                                  ? fakes::FaultDirection::inbound
                                                  : fakes::FaultDirection::outbound,
                                 .offset = index,
                                 .ending = options.ending};
      break;
  }
  return plan;
}

::testing::AssertionResult run_fail_matrix(const FailMatrixScenario& scenario,
                                           const FailMatrixInvariant& invariant,
                                           FailMatrixOptions options) {
  const std::size_t first = options.mode == FailMatrixMode::operation ? 1 : 0;
  for (std::size_t run = 1; run <= options.bound; ++run) {
    const std::size_t index = first + run - 1;
    const fakes::FaultPlan plan = plan_for(options, index);
    const std::string where = describe_run(options, run, index, plan);
    FaultInjector faults(plan);
    {
      SCOPED_TRACE(describe(options) + ": " + where);
      try {
        scenario(faults);
      } catch (const std::exception& e) {
        return ::testing::AssertionFailure()
               << describe(options) << ": the scenario threw on " << where << ": " << e.what();
      }
    }
    if (faults.layers() == 0) {
      return ::testing::AssertionFailure()
             << describe(options)
             << ": the scenario put no connection under faults.wrap(), so nothing was broken";
    }
    const FailMatrixRun outcome{
        .run = run, .index = index, .plan = plan, .hit = faults.hit(), .log = faults.log()};
    ::testing::AssertionResult held = invariant(outcome);
    if (!held) {
      std::string injected = faults.hit() ? faults.log().hits.front() : "no fault hit";
      return ::testing::AssertionFailure() << describe(options) << ": the invariant failed on "
                                           << where << " (" << injected << "): " << held.message();
    }
    if (!faults.hit()) {
      return ::testing::AssertionSuccess()
             << describe(options) << ": " << run << " runs; run " << run
             << " completed with no fault hit after " << faults.log().operations << " operations, "
             << faults.log().bytes_in << " bytes in, " << faults.log().bytes_out << " bytes out";
    }
  }
  return ::testing::AssertionFailure()
         << describe(options) << ": all " << options.bound
         << " runs hit their fault and none completed: the scenario has more failure points "
            "than the bound, or never finishes";
}

::testing::AssertionResult run_fail_matrix(const FailMatrixScenario& scenario,
                                           const FailMatrixInvariant& invariant,
                                           std::size_t bound) {
  return run_fail_matrix(scenario, invariant, FailMatrixOptions{.bound = bound});
}

}  // namespace kit::testing
