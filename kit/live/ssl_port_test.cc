// ssl: server endpoints on the live reactor (kit/live/socket_port.h): any factory served
// through a server TLS layer on 127.0.0.1, reached by a kit TLS client and by
// `openssl s_client`, with certificates the test makes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "kit/client_factory.h"
#include "kit/factory.h"
#include "kit/failure.h"
#include "kit/live/live_reactor.h"
#include "kit/tls/tls_context.h"
#include "kit/tls/tls_error.h"
#include "kit/tls/tls_wrapper.h"
#include "testing/conformance/relay_protocol.h"
#include "testing/live/wait_for.h"
#include "testing/tls/test_certificates.h"

namespace kit::live {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::TestCertificates;
using testing::wait_for;

const TestCertificates::Files& pki() { return TestCertificates::shared(); }

std::string ssl_endpoint(const std::string& certificate = pki().server_certificate) {
  return "ssl:0:interface=127.0.0.1:privateKey=" + pki().leaf_key + ":certKey=" + certificate;
}

// The application on either end: records what it reads and how it ended.
class App : public Protocol {
 public:
  std::function<void(App&)> on_made;
  std::function<void(App&)> on_data;

  void connection_made() override {
    if (on_made) on_made(*this);
  }
  void data_received(std::string_view data) override {
    received.append(data);
    if (on_data) on_data(*this);
  }
  void connection_lost(const Failure& reason) override {
    lost.emplace(reason);
    if (lost_out != nullptr) lost_out->emplace(reason);
  }

  std::string received;
  std::optional<Failure> lost;
  // Where a server's App reports its end: the live connection destroys it right after.
  std::optional<Failure>* lost_out = nullptr;
};

class SslPortTest : public ::testing::Test {
 protected:
  // The server: echoes what it reads (the layer decrypts and encrypts around it).
  FunctionFactory echo{[this](const Address&) {
    auto app = std::make_unique<App>();
    app->lost_out = &server_lost;
    app->on_data = [](App& a) {
      a.transport()->write(a.received);
      a.received.clear();
    };
    return app;
  }};
  std::optional<Failure> server_lost;
  LiveReactor reactor;
};

TEST_F(SslPortTest, ServesAnyFactoryOverTlsToAKitTlsClient) {
  auto port = reactor.listen(ssl_endpoint(), echo);
  EXPECT_THAT(port->description(), StartsWith("ssl:127.0.0.1:"));
  EXPECT_EQ(port->description(), port->address().to_string("ssl"));

  App client;
  client.on_made = [](App& a) { a.transport()->write("ping over TLS"); };
  client.on_data = [](App& a) {
    if (a.received == "ping over TLS") a.transport()->lose_connection();
  };
  const tls::TlsContext context = tls::TlsContext::client({.ca_files = {pki().ca}});
  FunctionClientFactory factory([&](const Address&) {
    return std::make_unique<tls::TlsWrapper>(std::make_unique<testing::RelayProtocol>(client),
                                             context, "localhost");
  });
  auto connector =
      reactor.connect("tcp:127.0.0.1:" + std::to_string(port->address().port()), factory);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return client.lost.has_value(); }, "the client's close"));
  EXPECT_EQ(client.received, "ping over TLS");
  EXPECT_TRUE(client.lost->is(errc::connection_done)) << client.lost->what();
  ASSERT_TRUE(wait_for(
      reactor, [&] { return server_lost.has_value(); }, "the server's close"));
  EXPECT_TRUE(server_lost->is(errc::connection_done)) << server_lost->what();
}

TEST_F(SslPortTest, ClientRefusesTheWrongHostsCertificateLive) {
  auto port = reactor.listen(ssl_endpoint(pki().wrong_host_certificate), echo);
  App client;
  const tls::TlsContext context = tls::TlsContext::client({.ca_files = {pki().ca}});
  FunctionClientFactory factory([&](const Address&) {
    return std::make_unique<tls::TlsWrapper>(std::make_unique<testing::RelayProtocol>(client),
                                             context, "localhost");
  });
  auto connector =
      reactor.connect("tcp:127.0.0.1:" + std::to_string(port->address().port()), factory);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return client.lost.has_value(); }, "the client's failure"));
  EXPECT_TRUE(client.lost->is(tls::errc::certificate_verify_failed)) << client.lost->what();
  EXPECT_EQ(client.lost->message(), "certificate verify failed: hostname mismatch");
}

// The ssl: client endpoint: the reactor puts the client's protocol behind a verifying TLS
// layer for the endpoint's host, trusting caCerts.
TEST_F(SslPortTest, SslClientEndpointVerifiesAgainstCaCertsAndTalksTls) {
  auto port = reactor.listen(ssl_endpoint(), echo);
  App client;
  client.on_made = [](App& a) { a.transport()->write("ping through ssl:"); };
  client.on_data = [](App& a) {
    if (a.received == "ping through ssl:") a.transport()->lose_connection();
  };
  FunctionClientFactory factory(
      [&](const Address&) { return std::make_unique<testing::RelayProtocol>(client); });
  auto connector = reactor.connect(
      "ssl:localhost:" + std::to_string(port->address().port()) + ":caCerts=" + pki().ca, factory);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return client.lost.has_value(); }, "the client's close"));
  EXPECT_EQ(client.received, "ping through ssl:");
  EXPECT_TRUE(client.lost->is(errc::connection_done)) << client.lost->what();
}

TEST_F(SslPortTest, SslClientEndpointRefusesAServerItsCaDidNotSign) {
  auto port = reactor.listen(ssl_endpoint(), echo);
  App client;
  std::optional<Failure> lost;
  FunctionClientFactory factory(
      [&](const Address&) { return std::make_unique<testing::RelayProtocol>(client); });
  factory.on_lost = [&](Connector&, const Failure& reason) { lost.emplace(reason); };
  // No caCerts: the system's store, which has never heard of the test's CA.
  auto connector =
      reactor.connect("ssl:localhost:" + std::to_string(port->address().port()), factory);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return lost.has_value(); }, "the client's failure"));
  ASSERT_TRUE(client.lost.has_value());
  EXPECT_TRUE(client.lost->is(tls::errc::certificate_verify_failed)) << client.lost->what();
  EXPECT_EQ(client.received, "");
}

TEST_F(SslPortTest, MissingCertificateFailsTheListenWithTheReason) {
  try {
    auto port = reactor.listen(
        "ssl:0:interface=127.0.0.1:privateKey=" + pki().leaf_key + ":certKey=/nonexistent.pem",
        echo);
    ADD_FAILURE() << "listened with no certificate";
  } catch (const FailureError& e) {
    EXPECT_THAT(e.what(), StartsWith("cannot listen on ssl:"));
    EXPECT_THAT(e.what(), HasSubstr("cannot read the certificate file '/nonexistent.pem': No "
                                    "such file or directory"));
  }
}

// openssl s_client, verifying against the test's CA and the host name, reads the greeting
// and the server's close.
TEST_F(SslPortTest, OpensslSClientReadsTheGreeting) {
  FunctionFactory greeter([](const Address&) {
    auto app = std::make_unique<App>();
    app->on_made = [](App& a) {
      a.transport()->write("hello from kit\n");
      a.transport()->lose_connection();
    };
    return app;
  });
  auto port = reactor.listen(ssl_endpoint(), greeter);
  const std::string command =
      "openssl s_client -connect 127.0.0.1:" + std::to_string(port->address().port()) +
      " -servername localhost -verify_hostname localhost -CAfile " + pki().ca +
      " -verify_return_error -quiet < /dev/null 2>&1";
  std::string output;
  int status = -1;
  std::atomic<bool> done{false};
  std::thread runner([&] {
    if (std::FILE* pipe = ::popen(command.c_str(), "r")) {
      char buffer[4096];
      for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
        output.append(buffer, n);
      }
      status = ::pclose(pipe);
    }
    done = true;
    reactor.call_from_thread([] {});  // wakes the reactor to look at `done`
  });
  const bool finished = wait_for(
      reactor, [&] { return done.load(); }, "openssl s_client to exit");
  runner.join();
  ASSERT_TRUE(finished);
  EXPECT_THAT(output, HasSubstr("hello from kit")) << output;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << ": " << output;
}

}  // namespace
}  // namespace kit::live
