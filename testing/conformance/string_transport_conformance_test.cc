// The transport conformance suite against fakes::StringTransport.
#include <memory>

#include "testing/conformance/string_transport_harness.h"
#include "testing/conformance/transport_conformance.h"
#include "testing/conformance/wrapped_harness.h"

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(StringTransport, [] {
  return std::make_unique<kit::testing::StringTransportHarness>();
});

// Three layers that change nothing behave like the transport under them.
KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(StringTransportUnderThreeWrappers, [] {
  return kit::testing::WrappedHarness::plain_layers(
      3, std::make_unique<kit::testing::StringTransportHarness>());
});
