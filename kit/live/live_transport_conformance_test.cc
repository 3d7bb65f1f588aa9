// The transport conformance suite (testing/conformance/) against the live transports: TCP
// over IPv4 and IPv6, and Unix stream sockets.
#include <memory>

#include "testing/conformance/transport_conformance.h"
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
