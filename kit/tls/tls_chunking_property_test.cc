// Property: however the transport below cuts the TLS records -- the handshake's flights
// and the application data with its close_notify -- the protocol above reads the same
// plaintext and then the peer's clean end, over TLS 1.2 and 1.3.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fakes/string_transport.h"
#include "kit/tls/tls_context.h"
#include "kit/tls/tls_wrapper.h"
#include "testing/conformance/contract_checking_protocol.h"
#include "testing/conformance/relay_protocol.h"
#include "testing/generators/chunking.h"
#include "testing/generators/chunking_gen.h"
#include "testing/tls/test_certificates.h"

namespace kit::tls {
namespace {

using testing::ContractCheckingProtocol;
using testing::RelayProtocol;
using testing::TestCertificates;

struct Session {
  explicit Session(TlsVersion version)
      : client(std::make_unique<RelayProtocol>(client_app),
               TlsContext::client({.ca_files = {TestCertificates::shared().ca},
                                   .insecure = false,
                                   .min_version = version,
                                   .max_version = version}),
               "localhost"),
        server(std::make_unique<RelayProtocol>(server_app),
               TlsContext::server(
                   {.certificate_chain_file = TestCertificates::shared().server_certificate,
                    .private_key_file = TestCertificates::shared().leaf_key,
                    .min_version = version,
                    .max_version = version})) {}

  // handshake: moves the flights both ways until neither side has anything to send, the
  // server's cut into generated pieces.
  void handshake() {
    server_below.connect(server);
    client_below.connect(client);
    for (int round = 0; round < 20; ++round) {
      const std::string to_server = client_below.take();
      if (!to_server.empty()) server_below.receive(to_server);
      const std::string to_client = server_below.take();
      if (!to_client.empty()) {
        for (const std::string& piece : *testing::gen::chunking(to_client)) {
          client_below.receive(piece);
        }
      }
      if (to_server.empty() && to_client.empty()) return;
    }
  }

  ContractCheckingProtocol client_app;
  ContractCheckingProtocol server_app;
  TlsWrapper client;
  TlsWrapper server;
  fakes::StringTransport client_below;
  fakes::StringTransport server_below;
};

RC_GTEST_PROP(TlsChunkingProperty, AnyChunkingOfTheRecordsGivesTheSamePlaintext, ()) {
  const TlsVersion version = *rc::gen::element(TlsVersion::tls1_2, TlsVersion::tls1_3);
  std::vector<std::string> messages = *rc::gen::arbitrary<std::vector<std::string>>();
  // Now and then a piece longer than one record (16 KiB of plaintext).
  if (*rc::gen::inRange(0, 4) == 0) {
    messages.push_back(std::string(static_cast<std::size_t>(*rc::gen::inRange(16000, 40000)), 'z'));
  }
  Session session(version);
  session.handshake();
  RC_ASSERT(session.client.handshake_done());
  RC_ASSERT(session.server.handshake_done());

  std::string plaintext;
  fakes::StringTransport::drive([&] {
    for (const std::string& message : messages) {
      session.server.write(message);
      plaintext += message;
    }
    session.server.lose_connection();
  });
  const std::string records = session.server_below.take();
  const testing::Chunking chunks = *testing::gen::chunking(records);
  for (const std::string& chunk : chunks) session.client_below.receive(chunk);

  RC_ASSERT(session.client_app.received() == plaintext);
  RC_ASSERT(session.client_app.read_lost());  // the close_notify, after all of it
  RC_ASSERT(session.client_app.violations().empty());
}

}  // namespace
}  // namespace kit::tls
