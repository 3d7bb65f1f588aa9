// The transport conformance suite against the fakes' loopback pair, under several
// re-chunkings: whole steps, one byte at a time, small pieces, and large pieces with
// everything buffered moved at once. Each instantiation's name carries its seed.
#include <memory>

#include "testing/conformance/loopback_harness.h"
#include "testing/conformance/transport_conformance.h"
#include "testing/conformance/wrapped_harness.h"

namespace {

auto loopback(kit::testing::LoopbackHarness::Options options) {
  return [options] { return std::make_unique<kit::testing::LoopbackHarness>(options); };
}

}  // namespace

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(LoopbackWholeSteps, loopback({.seed = 0, .max_chunk = 0}));
KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(
    LoopbackSeed1BytePieces, loopback({.seed = 1, .max_chunk = 1, .bytes_per_step = 1000}));
KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(LoopbackSeed2SmallPieces,
                                      loopback({.seed = 2, .max_chunk = 7}));
KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(
    LoopbackSeed3LargePieces, loopback({.seed = 3, .max_chunk = 1500, .bytes_per_step = 0}));

// Three layers that change nothing behave like the pair under them.
KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(LoopbackSeed2UnderThreeWrappers, [] {
  return kit::testing::WrappedHarness::plain_layers(
      3, std::make_unique<kit::testing::LoopbackHarness>(
             kit::testing::LoopbackHarness::Options{.seed = 2, .max_chunk = 7}));
});
