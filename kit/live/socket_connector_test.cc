// Connecting on real sockets: success, refusal, timeouts against a listener whose queue is
// full, name resolution, cancelling and reconnecting.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kit/connector.h"
#include "kit/failure.h"
#include "kit/live/live_reactor.h"
#include "testing/live/wait_for.h"
#include "testing/scripted_protocol.h"

namespace kit::live {
namespace {

using testing::ConnectionHistory;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ScriptedFactory;
using testing::ScriptedProtocol;
using testing::wait_for;

// A loopback TCP socket the test controls with plain system calls, to play a peer the kit
// cannot: bound but not listening (refuses), or listening with a full queue (ignores).
class RawSocket {
 public:
  RawSocket() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {}
  ~RawSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  // Binds 127.0.0.1 on a port of the system's choosing; returns it.
  int bind_loopback() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return -1;
    socklen_t size = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size);
    return ntohs(address.sin_port);
  }
  bool listen(int backlog) { return ::listen(fd_, backlog) == 0; }
  // Starts connecting to 127.0.0.1:port without waiting for the answer.
  void connect_without_waiting(int port) {
    ::fcntl(fd_, F_SETFL, O_NONBLOCK);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
  }

 private:
  int fd_;
};

class SocketConnectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server.configure = [](ScriptedProtocol& p) {
      p.on_data = [](ScriptedProtocol& p, std::string_view data) { p.transport()->write(data); };
    };
  }

  // A listener on 127.0.0.1 that accepts nothing more: its backlog of 0 is taken by two
  // connections, so the kernel drops further SYNs and a connect hangs until its timeout.
  int black_hole() {
    const int port = hole_.bind_loopback();
    hole_.listen(0);
    for (auto& filler : fillers_) filler.connect_without_waiting(port);
    return port;
  }

  ScriptedFactory server;
  ScriptedFactory client;
  LiveReactor reactor;

 private:
  RawSocket hole_;
  RawSocket fillers_[2];
};

TEST_F(SocketConnectorTest, ConnectsAndReportsTheWholeLifeOfTheConnection) {
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
  std::vector<Connector::State> seen;
  std::shared_ptr<Connector> connector;
  client.configure = [&](ScriptedProtocol& p) {
    p.on_made = [&](ScriptedProtocol& p) {
      seen.push_back(connector->state());
      p.transport()->write("hi");
    };
    p.on_data = [&](ScriptedProtocol& p, std::string_view) {
      if (p.history().received == "hi") connector->disconnect();
    };
  };
  client.on_client_lost = [&](Connector& c, const Failure&) {
    // After the protocol's connection_lost().
    EXPECT_TRUE(client.first()->has_lost());
    seen.push_back(c.state());
  };
  connector = reactor.connect(port->description(), client);
  EXPECT_EQ(connector->state(), Connector::State::connecting);
  EXPECT_EQ(client.attempts, 1);
  EXPECT_EQ(client.started, 1);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return client.client_lost.size() == 1; }, "client_connection_lost"));
  EXPECT_THAT(seen, ElementsAre(Connector::State::connected, Connector::State::disconnected));
  EXPECT_TRUE(client.client_lost[0].is(errc::connection_done));
  EXPECT_EQ(client.first()->received, "hi");
  EXPECT_EQ(client.stopped, 1);
  EXPECT_TRUE(client.failures.empty());
}

TEST_F(SocketConnectorTest, RefusedConnectionReportsTheSystemError) {
  RawSocket closed_port;
  const int port = closed_port.bind_loopback();  // bound, not listening: refuses
  auto connector = reactor.connect("tcp:127.0.0.1:" + std::to_string(port), client);
  EXPECT_TRUE(client.failures.empty()) << "reported inside connect()";
  ASSERT_TRUE(wait_for(
      reactor, [&] { return !client.failures.empty(); }, "the failure"));
  ASSERT_EQ(client.failures.size(), 1u);
  EXPECT_TRUE(client.failures[0].is(std::errc::connection_refused)) << client.failures[0].what();
  EXPECT_EQ(client.failures[0].what(),
            "connecting to tcp:127.0.0.1:" + std::to_string(port) + ": Connection refused");
  EXPECT_EQ(connector->state(), Connector::State::disconnected);
  EXPECT_EQ(client.made(), 0u) << "no protocol for a failed attempt";
  EXPECT_EQ(client.started, 1);
  EXPECT_EQ(client.stopped, 1);
}

TEST_F(SocketConnectorTest, ConnectTimeoutIsKeptOnTheReactorClock) {
  const int port = black_hole();
  const TimePoint started = reactor.now();
  auto connector =
      reactor.connect("tcp:host=127.0.0.1:port=" + std::to_string(port) + ":timeout=0.25", client);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return !client.failures.empty(); }, "the timeout"));
  EXPECT_TRUE(client.failures[0].is(errc::timed_out)) << client.failures[0].what();
  EXPECT_THAT(client.failures[0].what(), HasSubstr("no connection within 0.25 s"));
  EXPECT_GE(reactor.now() - started, std::chrono::milliseconds(250));
  EXPECT_EQ(connector->state(), Connector::State::disconnected);
  EXPECT_EQ(client.made(), 0u);
}

TEST_F(SocketConnectorTest, StopConnectingReportsCancelled) {
  const int port = black_hole();
  auto connector = reactor.connect("tcp:127.0.0.1:" + std::to_string(port), client);
  bool turned = false;
  DelayedCall mark = reactor.call_later(std::chrono::milliseconds(20), [&] { turned = true; });
  ASSERT_TRUE(wait_for(
      reactor, [&] { return turned; }, "a few turns of the reactor"));
  ASSERT_EQ(connector->state(), Connector::State::connecting);
  connector->stop_connecting();
  ASSERT_EQ(client.failures.size(), 1u);
  EXPECT_TRUE(client.failures[0].is(errc::cancelled));
  EXPECT_EQ(connector->state(), Connector::State::disconnected);
  connector->stop_connecting();  // nothing in progress: nothing happens
  EXPECT_EQ(client.failures.size(), 1u);
  EXPECT_EQ(client.stopped, 1);
}

TEST_F(SocketConnectorTest, HostNamesAreResolvedAndEachAddressTriedInTurn) {
  // localhost may resolve to ::1 first; only 127.0.0.1 listens, so that attempt is refused
  // and the next address is tried.
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
  auto connector = reactor.connect("localhost:" + std::to_string(port->address().port()), client);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return client.made() == 1 || !client.failures.empty(); }, "the connection"));
  ASSERT_EQ(client.made(), 1u) << client.failures[0].what();
  EXPECT_EQ(client.first()->transport->peer(), port->address());
  connector->disconnect();
  ASSERT_TRUE(wait_for(
      reactor, [&] { return client.lost() == 1; }, "the close"));
}

TEST_F(SocketConnectorTest, ClientCanReconnectFromClientConnectionFailed) {
  RawSocket closed_port;
  const int port = closed_port.bind_loopback();
  client.on_failed = [&](Connector& connector, const Failure&) {
    if (client.failures.size() < 3) connector.connect();
  };
  auto connector = reactor.connect("tcp:127.0.0.1:" + std::to_string(port), client);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return client.failures.size() == 3; }, "three failures"));
  EXPECT_EQ(client.attempts, 3);
  EXPECT_EQ(connector->state(), Connector::State::disconnected);
  EXPECT_EQ(client.started, 1);
  EXPECT_EQ(client.stopped, 1) << "start_factory and stop_factory pair up over the retries";
}

TEST_F(SocketConnectorTest, ConnectingToAMissingUnixSocketFails) {
  auto connector = reactor.connect("unix:/nonexistent/kit_live_test.sock", client);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return !client.failures.empty(); }, "the failure"));
  EXPECT_TRUE(client.failures[0].is(std::errc::no_such_file_or_directory))
      << client.failures[0].what();
}

TEST_F(SocketConnectorTest, ConnectWhileConnectingIsAnErrorAndABadCaFileIsNamed) {
  const int port = black_hole();
  auto connector = reactor.connect("tcp:127.0.0.1:" + std::to_string(port), client);
  EXPECT_THROW(connector->connect(), std::logic_error);
  connector->stop_connecting();
  try {
    reactor.connect("ssl:127.0.0.1:443:caCerts=/nonexistent/ca.pem", client);
    FAIL() << "connected with a CA file that does not exist";
  } catch (const FailureError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot connect to ssl:127.0.0.1:443"));
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/ca.pem"));
  }
}

TEST_F(SocketConnectorTest, TheReactorKeepsAConnectorAliveWhileItWorks) {
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
  client.configure = [](ScriptedProtocol& p) {
    p.on_made = [](ScriptedProtocol& p) { p.transport()->write("ping"); };
    p.on_data = [](ScriptedProtocol& p, std::string_view) { p.transport()->lose_connection(); };
  };
  reactor.connect(port->description(), client);  // the handle is dropped at once
  ASSERT_TRUE(wait_for(
      reactor, [&] { return client.client_lost.size() == 1; }, "the whole exchange"));
  EXPECT_EQ(client.first()->received, "ping");
}

}  // namespace
}  // namespace kit::live
