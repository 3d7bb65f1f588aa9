// The transport conformance suite against fakes::StringTransport.
#include <memory>

#include "testing/conformance/string_transport_harness.h"
#include "testing/conformance/transport_conformance.h"

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(StringTransport, [] {
  return std::make_unique<kit::testing::StringTransportHarness>();
});
