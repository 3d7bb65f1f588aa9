// The transport conformance suite (testing/conformance/) against the live transports: TCP
// over IPv4 and IPv6, and Unix stream sockets; each bare, and under three stacked
// kit::ProtocolWrapper layers, which must behave as the transport they sit on.
#include <memory>

#include "testing/conformance/transport_conformance.h"
#include "testing/conformance/wrapped_harness.h"
#include "testing/live/live_harness.h"

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(LiveTcpV4, [] {
  return std::make_unique<kit::testing::LiveHarness>(kit::Address::Family::ipv4);
});
KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(LiveTcpV6, [] {
  return std::make_unique<kit::testing::LiveHarness>(kit::Address::Family::ipv6);
});
KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(LiveUnix, [] {
  return std::make_unique<kit::testing::LiveHarness>(kit::Address::Family::unix_domain);
});

namespace {

std::unique_ptr<kit::testing::ConformanceHarness> under_three_wrappers(
    kit::Address::Family family) {
  return kit::testing::WrappedHarness::plain_layers(
      3, std::make_unique<kit::testing::LiveHarness>(family));
}

}  // namespace

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(LiveTcpV4UnderThreeWrappers, [] {
  return under_three_wrappers(kit::Address::Family::ipv4);
});
KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(LiveTcpV6UnderThreeWrappers, [] {
  return under_three_wrappers(kit::Address::Family::ipv6);
});
KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(LiveUnixUnderThreeWrappers, [] {
  return under_three_wrappers(kit::Address::Family::unix_domain);
});
