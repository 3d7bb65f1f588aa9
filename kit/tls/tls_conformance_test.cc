// The transport conformance suite (testing/conformance) against the transport a client
// TlsWrapper gives its protocol, with a TLS server layer as the peer, joined in memory by
// the loopback pair: TLS 1.3 and 1.2, during and after the handshake, under several
// re-chunkings of the records.
#include <memory>

#include "testing/conformance/transport_conformance.h"
#include "testing/tls/tls_loopback_harness.h"

namespace {

using kit::testing::TlsLoopbackHarness;
using kit::tls::TlsVersion;

auto tls_over_loopback(TlsLoopbackHarness::Options options) {
  return [options] { return std::make_unique<TlsLoopbackHarness>(options); };
}

}  // namespace

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(Tls13WholeSteps,
                                      tls_over_loopback({.seed = 0, .max_chunk = 0}));
KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(Tls13Seed2SmallPieces,
                                      tls_over_loopback({.seed = 2, .max_chunk = 7}));
KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(
    Tls13EstablishedSeed3LargePieces,
    tls_over_loopback({.seed = 3, .max_chunk = 1500, .wait_for_handshake = true}));
KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(
    Tls12Seed1, tls_over_loopback({.seed = 1, .max_chunk = 100, .version = TlsVersion::tls1_2}));
KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(Tls12EstablishedSeed4,
                                      tls_over_loopback({.seed = 4,
                                                         .max_chunk = 333,
                                                         .version = TlsVersion::tls1_2,
                                                         .wait_for_handshake = true}));
