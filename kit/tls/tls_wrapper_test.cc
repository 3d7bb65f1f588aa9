// TlsWrapper in memory: a client and a server layer joined by the loopback pair on the
// fake clock, with certificates the test makes (testing/tls/test_certificates.h); and a
// layer on a StringTransport where the test plays the bytes below by hand.
#include "kit/tls/tls_wrapper.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "fakes/fake_clock.h"
#include "fakes/fake_context.h"
#include "fakes/loopback.h"
#include "fakes/string_transport.h"
#include "kit/failure.h"
#include "kit/tls/tls_context.h"
#include "kit/tls/tls_error.h"
#include "testing/conformance/contract_checking_protocol.h"
#include "testing/conformance/relay_protocol.h"
#include "testing/tls/test_certificates.h"

namespace kit::tls {
namespace {

using testing::ContractCheckingProtocol;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::RelayProtocol;
using testing::TestCertificates;

const TestCertificates::Files& pki() { return TestCertificates::shared(); }

TlsContext server_context(const std::string& certificate = pki().server_certificate,
                          TlsVersion min = TlsVersion::tls1_2,
                          TlsVersion max = TlsVersion::tls1_3) {
  return TlsContext::server({.certificate_chain_file = certificate,
                             .private_key_file = pki().leaf_key,
                             .min_version = min,
                             .max_version = max});
}

TlsContext trusting_client(TlsVersion min = TlsVersion::tls1_2,
                           TlsVersion max = TlsVersion::tls1_3) {
  return TlsContext::client({.ca_files = {pki().ca}, .min_version = min, .max_version = max});
}

// A client and a server application, each on its TLS layer, joined in memory.
class TlsPair {
 public:
  TlsPair(const TlsContext& client_context, std::string server_name,
          const TlsContext& server_context, fakes::LoopbackOptions options = {})
      : options_(options) {
    client_layer = std::make_unique<TlsWrapper>(std::make_unique<RelayProtocol>(client),
                                                client_context, std::move(server_name));
    server_layer =
        std::make_unique<TlsWrapper>(std::make_unique<RelayProtocol>(server), server_context);
    options_.clock = &clock;
  }

  // start: connects both sides (set the applications' hooks before).
  void start() { pair.emplace(*client_layer, *server_layer, options_); }
  void pump() { pair->pump(); }

  fakes::FakeClock clock;
  ContractCheckingProtocol client;
  ContractCheckingProtocol server;
  std::unique_ptr<TlsWrapper> client_layer;
  std::unique_ptr<TlsWrapper> server_layer;
  std::optional<fakes::LoopbackPair> pair;

 private:
  fakes::LoopbackOptions options_;
};

void expect_no_violations(const ContractCheckingProtocol& protocol) {
  EXPECT_THAT(protocol.violations(), IsEmpty()) << protocol.history();
}

TEST(TlsWrapperTest, ExchangesDataBothWaysOverTls13) {
  TlsPair tls(trusting_client(), "localhost", server_context());
  tls.client.on_connection_made = [&] { tls.client.write("ping"); };
  tls.server.on_data_received = [&](std::string_view) { tls.server.write("pong"); };
  tls.start();
  tls.pump();
  EXPECT_EQ(tls.server.received(), "ping");
  EXPECT_EQ(tls.client.received(), "pong");
  EXPECT_TRUE(tls.client_layer->handshake_done());
  EXPECT_EQ(tls.client_layer->version(), "TLSv1.3");
  EXPECT_EQ(tls.server_layer->version(), "TLSv1.3");
  expect_no_violations(tls.client);
  expect_no_violations(tls.server);
}

TEST(TlsWrapperTest, ExchangesDataBothWaysOverTls12) {
  TlsPair tls(trusting_client(TlsVersion::tls1_2, TlsVersion::tls1_2), "localhost",
              server_context(), {.seed = 5, .max_chunk = 3});
  tls.client.on_connection_made = [&] { tls.client.write("ping"); };
  tls.server.on_data_received = [&](std::string_view) {
    if (tls.server.received() == "ping") tls.server.write("pong");
  };
  tls.start();
  tls.pump();
  EXPECT_EQ(tls.server.received(), "ping");
  EXPECT_EQ(tls.client.received(), "pong");
  EXPECT_EQ(tls.client_layer->version(), "TLSv1.2");
  EXPECT_EQ(tls.server_layer->version(), "TLSv1.2");
}

TEST(TlsWrapperTest, NoCommonVersionFailsTheHandshakeOnBothSides) {
  TlsPair tls(trusting_client(TlsVersion::tls1_2, TlsVersion::tls1_2), "localhost",
              server_context(pki().server_certificate, TlsVersion::tls1_3, TlsVersion::tls1_3));
  tls.start();
  tls.pump();
  ASSERT_TRUE(tls.client.lost());
  ASSERT_TRUE(tls.server.lost());
  EXPECT_TRUE(tls.client.lost_reason()->is(errc::handshake_failed))
      << tls.client.lost_reason()->what();
  EXPECT_TRUE(tls.server.lost_reason()->is(errc::handshake_failed))
      << tls.server.lost_reason()->what();
  EXPECT_THAT(tls.server.lost_reason()->message(), HasSubstr("protocol"));
}

TEST(TlsWrapperTest, WritesBeforeTheHandshakeWaitInTheLayerAndAreCounted) {
  TlsPair tls(trusting_client(), "localhost", server_context());
  std::size_t buffered_in_connection_made = 0;
  tls.client.on_connection_made = [&] {
    tls.client.write("early words");
    buffered_in_connection_made = tls.client.connected_transport().write_buffer_size();
  };
  tls.start();
  // The layer holds the 11 bytes; below waits only the ClientHello.
  EXPECT_GE(buffered_in_connection_made, 11u);
  EXPECT_FALSE(tls.client_layer->handshake_done());
  EXPECT_EQ(tls.client_layer->write_buffer_size(),
            11u + tls.pair->client_transport().write_buffer_size());
  tls.pump();
  EXPECT_EQ(tls.server.received(), "early words");
}

TEST(TlsWrapperTest, UnknownCaFailsVerificationWithAClearReason) {
  TlsPair tls(TlsContext::client({.ca_files = {pki().other_ca}}), "localhost", server_context());
  tls.client.on_connection_made = [&] { tls.client.write("secret"); };
  tls.start();
  tls.pump();
  ASSERT_TRUE(tls.client.lost());
  EXPECT_TRUE(tls.client.lost_reason()->is(errc::certificate_verify_failed));
  EXPECT_THAT(tls.client.lost_reason()->message(),
              HasSubstr("certificate verify failed: unable to get local issuer certificate"));
  ASSERT_TRUE(tls.server.lost());
  EXPECT_TRUE(tls.server.lost_reason()->is(errc::handshake_failed));
  EXPECT_EQ(tls.server.lost_reason()->what(), "tlsv1 alert unknown ca: TLS handshake failed");
  EXPECT_EQ(tls.server.received(), "") << "plaintext went to an unverified server";
  expect_no_violations(tls.client);
}

TEST(TlsWrapperTest, WrongHostFailsVerificationAsAHostnameMismatch) {
  TlsPair tls(trusting_client(), "localhost", server_context(pki().wrong_host_certificate));
  tls.start();
  tls.pump();
  ASSERT_TRUE(tls.client.lost());
  EXPECT_TRUE(tls.client.lost_reason()->is(errc::certificate_verify_failed));
  EXPECT_EQ(tls.client.lost_reason()->message(), "certificate verify failed: hostname mismatch");
  EXPECT_EQ(tls.client.lost_reason()->what(),
            "certificate verify failed: hostname mismatch: TLS handshake failed");
}

TEST(TlsWrapperTest, ExpiredCertificateFailsVerification) {
  TlsPair tls(trusting_client(), "localhost", server_context(pki().expired_certificate));
  tls.start();
  tls.pump();
  ASSERT_TRUE(tls.client.lost());
  EXPECT_TRUE(tls.client.lost_reason()->is(errc::certificate_verify_failed));
  EXPECT_EQ(tls.client.lost_reason()->message(),
            "certificate verify failed: certificate has expired");
}

TEST(TlsWrapperTest, IpAddressIsVerifiedAgainstTheCertificatesAddresses) {
  TlsPair good(trusting_client(), "127.0.0.1", server_context());
  good.client.on_connection_made = [&] { good.client.write("x"); };
  good.start();
  good.pump();
  EXPECT_EQ(good.server.received(), "x");
  EXPECT_EQ(good.server_layer->server_name(), "") << "an IP address is never sent as SNI";

  TlsPair bad(trusting_client(), "127.0.0.2", server_context());
  bad.start();
  bad.pump();
  ASSERT_TRUE(bad.client.lost());
  EXPECT_EQ(bad.client.lost_reason()->message(), "certificate verify failed: IP address mismatch");
}

TEST(TlsWrapperTest, InsecureClientAcceptsAnyCertificateForAnyHost) {
  // An unknown CA's certificate, for another host, and expired: all accepted.
  TlsPair tls(TlsContext::client({.ca_files = {pki().other_ca}, .insecure = true}), "localhost",
              server_context(pki().expired_certificate));
  tls.client.on_connection_made = [&] { tls.client.write("hi"); };
  tls.start();
  tls.pump();
  EXPECT_EQ(tls.server.received(), "hi");
  EXPECT_FALSE(tls.client.lost());
}

TEST(TlsWrapperTest, VerifyingClientWithoutAServerNameIsRefused) {
  EXPECT_THROW(TlsWrapper(std::make_unique<ContractCheckingProtocol>(), trusting_client(), ""),
               std::invalid_argument);
}

TEST(TlsWrapperTest, ServerSeesTheSniTheClientSent) {
  TlsPair tls(trusting_client(), "localhost", server_context());
  tls.start();
  tls.pump();
  ASSERT_TRUE(tls.server_layer->handshake_done());
  EXPECT_EQ(tls.server_layer->server_name(), "localhost");
  EXPECT_EQ(tls.client_layer->server_name(), "localhost");
}

TEST(TlsWrapperTest, LoseConnectionSendsDataThenCloseNotify) {
  TlsPair tls(trusting_client(), "localhost", server_context());
  tls.client.on_connection_made = [&] {
    tls.client.write("last words");
    tls.client.lose_connection();  // before the handshake: it waits for it
  };
  tls.start();
  tls.pump();
  EXPECT_EQ(tls.server.received(), "last words");
  EXPECT_TRUE(tls.server_layer->close_notify_received());
  EXPECT_TRUE(tls.server.read_lost()) << tls.server.history();
  ASSERT_TRUE(tls.server.lost());
  EXPECT_TRUE(tls.server.lost_reason()->is(kit::errc::connection_done))
      << tls.server.lost_reason()->what();
  ASSERT_TRUE(tls.client.lost());
  EXPECT_TRUE(tls.client.lost_reason()->is(kit::errc::connection_done));
  expect_no_violations(tls.client);
  expect_no_violations(tls.server);
}

TEST(TlsWrapperTest, PeerClosingBelowTlsWithoutCloseNotifyIsATruncation) {
  TlsPair tls(trusting_client(), "localhost", server_context());
  tls.server.on_connection_made = [&] { tls.server.write("partial body"); };
  tls.start();
  tls.pump();
  ASSERT_EQ(tls.client.received(), "partial body");
  // The server's socket closes under its TLS layer: no close_notify.
  tls.pair->server_transport().lose_connection();
  tls.pump();
  ASSERT_TRUE(tls.client.lost());
  EXPECT_FALSE(tls.client.read_lost()) << "a truncation reported as a clean end of stream";
  EXPECT_TRUE(tls.client.lost_reason()->is(errc::truncated)) << tls.client.lost_reason()->what();
  EXPECT_FALSE(tls.client.lost_reason()->is(kit::errc::connection_done));
  EXPECT_THAT(tls.client.lost_reason()->message(), HasSubstr("close_notify"));
  expect_no_violations(tls.client);
}

TEST(TlsWrapperTest, HalfCloseBelowTlsWithoutCloseNotifyIsATruncation) {
  TlsPair tls(trusting_client(), "localhost", server_context());
  tls.start();
  tls.pump();
  tls.pair->server_transport().half_close();
  tls.pump();
  ASSERT_TRUE(tls.client.lost());
  EXPECT_FALSE(tls.client.read_lost());
  EXPECT_TRUE(tls.client.lost_reason()->is(errc::truncated)) << tls.client.lost_reason()->what();
}

TEST(TlsWrapperTest, CloseDuringTheHandshakeIsAHandshakeFailureNotACleanEnd) {
  TlsPair tls(trusting_client(), "localhost", server_context());
  tls.start();
  tls.pair->server_transport().lose_connection();  // before the server answered a thing
  tls.pump();
  ASSERT_TRUE(tls.client.lost());
  EXPECT_TRUE(tls.client.lost_reason()->is(errc::handshake_failed))
      << tls.client.lost_reason()->what();
}

// TLS 1.3 half-close: our close_notify ends our direction only; the peer may answer.
TEST(TlsWrapperTest, HalfCloseSendsCloseNotifyAndTheAnswerStillArrives) {
  TlsPair tls(trusting_client(), "localhost", server_context());
  tls.client.on_connection_made = [&] {
    tls.client.write("request");
    tls.client.half_close();
  };
  tls.client.on_read_connection_lost = [] {};
  tls.server.on_read_connection_lost = [&] {
    tls.server.write("answer to " + tls.server.received());
    tls.server.lose_connection();
  };
  tls.start();
  tls.pump();
  EXPECT_EQ(tls.client.received(), "answer to request");
  ASSERT_TRUE(tls.client.lost());
  EXPECT_TRUE(tls.client.lost_reason()->is(kit::errc::connection_done))
      << tls.client.lost_reason()->what();
  ASSERT_TRUE(tls.server.lost());
  EXPECT_TRUE(tls.server.lost_reason()->is(kit::errc::connection_done))
      << tls.server.lost_reason()->what();
  expect_no_violations(tls.client);
  expect_no_violations(tls.server);
}

TEST(TlsWrapperTest, PausedReadingHoldsPlaintextUntilResumedFromTheClock) {
  TlsPair tls(trusting_client(), "localhost", server_context());
  tls.client.on_data_received = [&](std::string_view) { tls.client.pause_reading(); };
  tls.server.on_connection_made = [&] {
    tls.server.write(std::string(40000, 'a'));  // several records
  };
  tls.start();
  tls.pump();
  const std::size_t first = tls.client.received().size();
  ASSERT_GT(first, 0u);
  ASSERT_LT(first, 40000u);
  tls.clock.advance(Duration::zero());
  EXPECT_EQ(tls.client.received().size(), first) << "data_received() while paused";
  while (tls.client.received().size() < 40000) {
    const std::size_t before = tls.client.received().size();
    tls.client.resume_reading();
    EXPECT_EQ(tls.client.received().size(), before) << "delivered inside resume_reading()";
    tls.pump();
    ASSERT_GT(tls.client.received().size(), before);
  }
  EXPECT_EQ(tls.client.received(), std::string(40000, 'a'));
  expect_no_violations(tls.client);
}

// A producer above sees the plaintext the layer holds plus the ciphertext below.
class CountingProducer : public Producer {
 public:
  void pause_producing() override { ++pauses; }
  void resume_producing() override { ++resumes; }
  void stop_producing() override { ++stops; }
  int pauses = 0;
  int resumes = 0;
  int stops = 0;
};

TEST(TlsWrapperTest, ProducerIsPausedByPlaintextHeldBeforeTheHandshake) {
  TlsPair tls(trusting_client(), "localhost", server_context());
  CountingProducer producer;
  tls.client.on_connection_made = [&] {
    Transport& transport = tls.client.connected_transport();
    transport.set_write_buffer_limits(1000, 100);
    transport.register_producer(producer);
    transport.write(std::string(999, 'x'));
    EXPECT_EQ(producer.pauses, 0);
    transport.write("yy");  // held here: 1001 plus the ClientHello below
    EXPECT_EQ(producer.pauses, 1);
  };
  tls.start();
  EXPECT_EQ(producer.resumes, 0);
  tls.pump();
  EXPECT_EQ(producer.resumes, 1);
  EXPECT_EQ(tls.server.received().size(), 1001u);
  tls.client_layer->lose_connection();
  tls.pump();
  EXPECT_EQ(producer.stops, 1);
}

// ---------------------------------------------------------------- on a StringTransport

TEST(TlsWrapperTest, GarbageInsteadOfAClientHelloFailsTheHandshake) {
  ContractCheckingProtocol app;
  TlsWrapper layer(std::make_unique<RelayProtocol>(app), server_context());
  fakes::StringTransport below;
  below.connect(layer);
  below.receive("GET / HTTP/1.1\r\nHost: example\r\n\r\n");
  ASSERT_TRUE(app.lost());
  EXPECT_TRUE(app.lost_reason()->is(errc::handshake_failed));
  EXPECT_EQ(app.lost_reason()->what(), "http request: TLS handshake failed");
  EXPECT_EQ(app.received(), "");
  expect_no_violations(app);
}

TEST(TlsWrapperTest, StalledHandshakeTimesOutOnTheConnectionsClock) {
  fakes::FakeClock clock;
  fakes::FakeContext context(clock);
  ContractCheckingProtocol app;
  TlsWrapper layer(std::make_unique<RelayProtocol>(app),
                   TlsContext::server({.certificate_chain_file = pki().server_certificate,
                                       .private_key_file = pki().leaf_key,
                                       .handshake_timeout = std::chrono::seconds(10)}));
  fakes::StringTransport below;
  below.set_context(context);
  below.set_clock(&clock);
  below.connect(layer);
  below.receive(std::string("\x16\x03\x01\x00\x80\x01", 6));  // half a ClientHello
  clock.advance(std::chrono::milliseconds(9999));
  EXPECT_FALSE(app.lost());
  clock.advance(std::chrono::milliseconds(1));
  ASSERT_TRUE(app.lost());
  EXPECT_TRUE(app.lost_reason()->is(kit::errc::timed_out)) << app.lost_reason()->what();
  EXPECT_EQ(app.lost_reason()->message(), "the TLS handshake did not complete in 10000 ms");
  EXPECT_TRUE(below.aborted());
  expect_no_violations(app);
}

TEST(TlsWrapperTest, CompletedHandshakeIsNotTimedOut) {
  TlsPair tls(TlsContext::client({.ca_files = {pki().ca},
                                  .insecure = false,
                                  .min_version = TlsVersion::tls1_2,
                                  .max_version = TlsVersion::tls1_3,
                                  .handshake_timeout = std::chrono::seconds(1)}),
              "localhost", server_context());
  tls.start();
  tls.pump();
  ASSERT_TRUE(tls.client_layer->handshake_done());
  tls.clock.advance(std::chrono::hours(1));
  tls.pump();
  EXPECT_FALSE(tls.client.lost());
  EXPECT_FALSE(tls.server.lost());
}

TEST(TlsWrapperTest, AbortSendsNoCloseNotifyAndGivesAborted) {
  TlsPair tls(trusting_client(), "localhost", server_context());
  tls.start();
  tls.pump();
  tls.client_layer->abort_connection();
  tls.pump();
  ASSERT_TRUE(tls.client.lost());
  EXPECT_TRUE(tls.client.lost_reason()->is(kit::errc::connection_aborted));
  ASSERT_TRUE(tls.server.lost());
  EXPECT_FALSE(tls.server_layer->close_notify_received());
  EXPECT_FALSE(tls.server.lost_reason()->is(kit::errc::connection_done));
}

}  // namespace
}  // namespace kit::tls
