// Fuzz target: arbitrary bytes, cut into chunks derived from the input itself
// (testing::fuzz_chunking), fed to a server TlsWrapper as if from a client, then the end
// of the stream. Invariants: no crash, no unbounded work; the handshake never completes
// (a client Finished depends on the server's random, which the input cannot know), so the
// protocol above reads nothing; it hears connection_lost exactly once, with a TLS error,
// never a clean end, and no breach of kit/transport.h.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "fakes/string_transport.h"
#include "kit/failure.h"
#include "kit/tls/tls_context.h"
#include "kit/tls/tls_error.h"
#include "kit/tls/tls_wrapper.h"
#include "testing/conformance/contract_checking_protocol.h"
#include "testing/conformance/relay_protocol.h"
#include "testing/fuzz/fuzz_check.h"
#include "testing/generators/chunking.h"
#include "testing/tls/test_certificates.h"

namespace {

const kit::tls::TlsContext& server_context() {
  static const kit::tls::TlsContext context = kit::tls::TlsContext::server(
      {.certificate_chain_file = kit::testing::TestCertificates::shared().server_certificate,
       .private_key_file = kit::testing::TestCertificates::shared().leaf_key});
  return context;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const kit::testing::FuzzChunking fuzz = kit::testing::fuzz_chunking(input);

  kit::testing::ContractCheckingProtocol app;
  kit::tls::TlsWrapper layer(std::make_unique<kit::testing::RelayProtocol>(app), server_context());
  kit::fakes::StringTransport below;
  below.connect(layer);
  for (const std::string& chunk : fuzz.chunks) {
    if (!below.connected()) break;
    below.receive(chunk);
  }
  if (below.connected()) below.lose_from_peer(kit::Failure(kit::errc::connection_done));

  FUZZ_CHECK(!layer.handshake_done());
  FUZZ_CHECK(app.received().empty());
  FUZZ_CHECK(app.lost());
  FUZZ_CHECK(app.count(kit::testing::ProtocolEvent::Kind::connection_lost) == 1);
  FUZZ_CHECK(!app.lost_reason()->is(kit::errc::connection_done));
  FUZZ_CHECK(app.lost_reason()->code().category() == kit::tls::tls_category());
  FUZZ_CHECK(app.violations().empty());
  return 0;
}
