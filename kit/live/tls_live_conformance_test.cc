// The transport conformance suite over TLS on live sockets (testing/tls/tls_live_harness.h):
// the transport a server TlsWrapper gives its protocol on a connection the live reactor
// accepted, with a client TLS layer over a live connection as the peer, TLS 1.3 and 1.2.
#include <memory>

#include "testing/conformance/transport_conformance.h"
#include "testing/tls/tls_live_harness.h"

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(LiveTls13, [] {
  return std::make_unique<kit::testing::TlsLiveHarness>(kit::tls::TlsVersion::tls1_3);
});
KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(LiveTls12, [] {
  return std::make_unique<kit::testing::TlsLiveHarness>(kit::tls::TlsVersion::tls1_2);
});
