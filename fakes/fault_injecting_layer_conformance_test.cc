// The transport conformance suite (testing/conformance) against what a FaultInjectingLayer
// gives the protocol above it: injecting nothing, and splitting writes into pieces (a
// fault every transport must take in its stride), over a StringTransport and the loopback
// pair. Faults that end a connection break promises on purpose and are tested in
// fault_injecting_layer_test.cc. Delays are not run here: the harnesses' transports keep
// a clock of their own that the suite does not advance.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fakes/fault_injecting_layer.h"
#include "testing/conformance/loopback_harness.h"
#include "testing/conformance/string_transport_harness.h"
#include "testing/conformance/transport_conformance.h"
#include "testing/conformance/wrapped_harness.h"

namespace kit::fakes {
namespace {

std::unique_ptr<testing::ConformanceHarness> under_fault_layer(
    std::string name, std::unique_ptr<testing::ConformanceHarness> inner, FaultPlan plan) {
  std::vector<testing::WrappedHarness::Wrap> layers = {[plan](std::unique_ptr<Protocol> protocol) {
    return std::make_unique<FaultInjectingLayer>(std::move(protocol), plan);
  }};
  return std::make_unique<testing::WrappedHarness>(std::move(name), std::move(inner),
                                                   std::move(layers));
}

std::unique_ptr<testing::ConformanceHarness> string_transport() {
  return std::make_unique<testing::StringTransportHarness>();
}

std::unique_ptr<testing::ConformanceHarness> loopback() {
  return std::make_unique<testing::LoopbackHarness>(
      testing::LoopbackHarness::Options{.seed = 5, .max_chunk = 6});
}

}  // namespace
}  // namespace kit::fakes

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(FaultLayerInjectingNothingOverStringTransport, [] {
  return kit::fakes::under_fault_layer("FaultInjectingLayer (nothing) over StringTransport",
                                       kit::fakes::string_transport(), {});
});

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(FaultLayerInjectingNothingOverLoopback, [] {
  return kit::fakes::under_fault_layer("FaultInjectingLayer (nothing) over loopback",
                                       kit::fakes::loopback(), {});
});

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(FaultLayerSplittingWritesOverStringTransport, [] {
  return kit::fakes::under_fault_layer("FaultInjectingLayer (pieces 1, 3) over StringTransport",
                                       kit::fakes::string_transport(), {.piece_sizes = {1, 3}});
});

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(FaultLayerSplittingWritesSeed8OverLoopback, [] {
  return kit::fakes::under_fault_layer("FaultInjectingLayer (seed 8, max_piece 5) over loopback",
                                       kit::fakes::loopback(), {.max_piece = 5, .seed = 8});
});
