// The live transport against real sockets on loopback: the promises of kit/transport.h,
// over TCP v4, v6 and Unix sockets, through the reactor's public interface.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "kit/factory.h"
#include "kit/failure.h"
#include "kit/live/live_reactor.h"
#include "kit/protocol.h"
#include "testing/live/socket_directory.h"
#include "testing/live/wait_for.h"
#include "testing/log_capture.h"
#include "testing/mocks/mock_protocol.h"
#include "testing/scripted_protocol.h"

namespace kit::live {
namespace {

using ::testing::AllOf;
using ::testing::AtLeast;
using testing::ConnectionHistory;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::InSequence;
using ::testing::Invoke;
using testing::ScriptedFactory;
using testing::ScriptedProtocol;
using ::testing::StrictMock;
using testing::wait_for;

// A byte pattern that shows reordering or loss (not a repeated short string).
std::string payload(std::size_t size, unsigned seed = 1) {
  std::string bytes(size, '\0');
  unsigned state = seed * 2654435761u + 1;
  for (char& c : bytes) {
    state = state * 1103515245u + 12345u;
    c = static_cast<char>(state >> 24);
  }
  return bytes;
}

void echo(ScriptedProtocol& protocol) {
  protocol.on_data = [](ScriptedProtocol& p, std::string_view data) { p.transport()->write(data); };
}

class SocketTransportTest : public ::testing::Test {
 protected:
  // Factories outlive the reactor, which delivers the last callbacks when it goes.
  ScriptedFactory server;
  ScriptedFactory client;
  LiveReactor reactor;
};

// ---- the same echo over each kind of socket

struct Family {
  const char* name;
  const char* listen;  // "%s" is replaced by a socket path
};

class EchoOverEachFamily : public SocketTransportTest,
                           public ::testing::WithParamInterface<Family> {};

TEST_P(EchoOverEachFamily, OneMebibyteComesBackIntactAndBothSidesCloseCleanly) {
  ::kit::testing::SocketDirectory dir;
  std::string endpoint = GetParam().listen;
  if (auto at = endpoint.find("%s"); at != std::string::npos) {
    endpoint.replace(at, 2, dir.file("echo.sock"));
  }
  server.configure = echo;
  auto port = reactor.listen(endpoint, server);

  const std::string sent = payload(1 << 20);
  client.configure = [&](ScriptedProtocol& p) {
    p.on_made = [&](ScriptedProtocol& p) { p.transport()->write(sent); };
    p.on_data = [&](ScriptedProtocol& p, std::string_view) {
      if (p.history().received.size() == sent.size()) p.transport()->lose_connection();
    };
  };
  auto connector = reactor.connect(port->description(), client);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return client.lost() == 1 && server.lost() == 1; }, "both closed"));

  const ConnectionHistory& c = *client.first();
  EXPECT_EQ(c.received.size(), sent.size());
  EXPECT_TRUE(c.received == sent) << "the echo differs from what was sent";
  EXPECT_TRUE(c.lost->is(errc::connection_done)) << c.lost->what();
  EXPECT_THAT(c.callbacks(), ElementsAre("made", "data", "lost"));

  const ConnectionHistory& s = *server.first();
  EXPECT_TRUE(s.lost->is(errc::connection_done)) << s.lost->what();
  EXPECT_THAT(s.callbacks(), ElementsAre("made", "data", "read_lost", "lost"));
  // peer() and host() still answer inside connection_lost(), and match across the two ends.
  EXPECT_EQ(c.peer, port->address());
  EXPECT_EQ(s.host, port->address());
  if (port->address().is_tcp()) {
    EXPECT_EQ(s.peer, c.host);
  }
  EXPECT_EQ(reactor.open_connections(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Live, EchoOverEachFamily,
                         ::testing::Values(Family{"Ipv4", "tcp:0:interface=127.0.0.1"},
                                           Family{"Ipv6", "tcp:0:interface=::1"},
                                           Family{"Unix", "unix:%s"}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_F(SocketTransportTest, HundredConcurrentClientsEachGetTheirOwnBytesBack) {
  server.configure = echo;
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
  constexpr int clients = 100;
  std::vector<std::string> messages;
  for (int i = 0; i < clients; ++i) messages.push_back(payload(10'000 + i, i + 1));
  int next = 0;
  client.configure = [&](ScriptedProtocol& p) {
    const std::string* message = &messages[next++];
    p.on_made = [message](ScriptedProtocol& p) { p.transport()->write(*message); };
    p.on_data = [message](ScriptedProtocol& p, std::string_view) {
      if (p.history().received.size() == message->size()) p.transport()->lose_connection();
    };
  };
  std::vector<std::shared_ptr<Connector>> connectors;
  for (int i = 0; i < clients; ++i)
    connectors.push_back(reactor.connect(port->description(), client));
  ASSERT_TRUE(wait_for(
      reactor, [&] { return client.lost() == clients && server.lost() == clients; },
      "every connection closed"));
  for (int i = 0; i < clients; ++i) {
    EXPECT_TRUE(client.histories[i]->received == messages[i]) << "client " << i;
    EXPECT_TRUE(client.histories[i]->lost->is(errc::connection_done)) << "client " << i;
  }
  EXPECT_EQ(reactor.open_connections(), 0u);
}

// ---- closing

TEST_F(SocketTransportTest, LoseConnectionSendsEverythingWrittenBeforeIt) {
  const std::string sent = payload(16 << 20);
  bool lost_inside_request = false;
  std::size_t pending_at_close = 0;
  server.configure = [&](ScriptedProtocol& p) {
    p.on_made = [&](ScriptedProtocol& p) {
      p.transport()->write(sent);
      pending_at_close = p.transport()->write_buffer_size();
      p.transport()->lose_connection();
      p.transport()->write("not sent: written after lose_connection");
      lost_inside_request = p.history().has_lost();
      EXPECT_TRUE(p.transport()->disconnecting());
    };
  };
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
  auto connector = reactor.connect(port->description(), client);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return client.lost() == 1 && server.lost() == 1; }, "both closed"));

  EXPECT_GT(pending_at_close, 0u) << "the kernel took 16 MiB at once; nothing was pending";
  EXPECT_FALSE(lost_inside_request);
  EXPECT_EQ(client.first()->received.size(), sent.size());
  EXPECT_TRUE(client.first()->received == sent);
  EXPECT_TRUE(client.first()->lost->is(errc::connection_done)) << client.first()->lost->what();
  EXPECT_TRUE(server.first()->lost->is(errc::connection_done)) << server.first()->lost->what();
  EXPECT_THAT(server.first()->callbacks(), ElementsAre("made", "lost"));
}

TEST_F(SocketTransportTest, AbortDropsWhatIsBufferedAndSendsNothingAfter) {
  const std::string sent = payload(16 << 20);
  server.configure = [&](ScriptedProtocol& p) {
    p.on_made = [&](ScriptedProtocol& p) {
      p.transport()->write(sent);
      EXPECT_GT(p.transport()->write_buffer_size(), 0u);
      p.transport()->abort_connection();
      EXPECT_EQ(p.transport()->write_buffer_size(), 0u);
      p.transport()->write("never sent");
      EXPECT_EQ(p.transport()->write_buffer_size(), 0u);
      EXPECT_TRUE(p.transport()->disconnecting());
      EXPECT_FALSE(p.history().has_lost()) << "connection_lost ran inside abort_connection";
    };
  };
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
  auto connector = reactor.connect(port->description(), client);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return client.lost() == 1 && server.lost() == 1; }, "both closed"));

  EXPECT_TRUE(server.first()->lost->is(errc::connection_aborted)) << server.first()->lost->what();
  const ConnectionHistory& c = *client.first();
  EXPECT_LT(c.received.size(), sent.size());
  EXPECT_TRUE(c.received == sent.substr(0, c.received.size())) << "not a prefix of what was sent";
  EXPECT_TRUE(c.lost->is(std::errc::connection_reset)) << c.lost->what();
}

TEST_F(SocketTransportTest, ClosingFromATimerDeliversConnectionLostLater) {
  DelayedCall close_later;
  bool lost_inside_request = true;
  server.configure = [&](ScriptedProtocol& p) {
    p.on_made = [&](ScriptedProtocol& p) {
      close_later = reactor.call_later(Duration::zero(), [&p, &lost_inside_request] {
        p.transport()->lose_connection();
        lost_inside_request = p.history().has_lost();
      });
    };
  };
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
  auto connector = reactor.connect(port->description(), client);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return server.lost() == 1 && client.lost() == 1; }, "both closed"));
  EXPECT_FALSE(lost_inside_request);
  EXPECT_TRUE(server.first()->lost->is(errc::connection_done));
  EXPECT_TRUE(client.first()->lost->is(errc::connection_done));
}

TEST_F(SocketTransportTest, AbortInsideConnectionMadeIsDeliveredAfterItReturns) {
  server.configure = [&](ScriptedProtocol& p) {
    p.on_made = [](ScriptedProtocol& p) {
      p.transport()->abort_connection();
      EXPECT_FALSE(p.history().has_lost());
    };
  };
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
  auto connector = reactor.connect(port->description(), client);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return server.lost() == 1 && client.lost() == 1; }, "both closed"));
  EXPECT_THAT(server.first()->callbacks(), ElementsAre("made", "lost"));
  EXPECT_TRUE(server.first()->lost->is(errc::connection_aborted));
  EXPECT_FALSE(client.first()->lost->is(errc::connection_done)) << "a reset, not a clean close";
}

TEST_F(SocketTransportTest, ResetByThePeerGivesTheSystemError) {
  client.configure = [](ScriptedProtocol& p) {
    p.on_made = [](ScriptedProtocol& p) { p.transport()->abort_connection(); };
  };
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
  auto connector = reactor.connect(port->description(), client);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return server.lost() == 1 && client.lost() == 1; }, "both closed"));
  EXPECT_TRUE(server.first()->lost->is(std::errc::connection_reset))
      << server.first()->lost->what();
  EXPECT_THAT(server.first()->lost->what(), HasSubstr("connection with tcp:127.0.0.1:"));
  EXPECT_TRUE(client.first()->lost->is(errc::connection_aborted));
}

// ---- half-close

TEST_F(SocketTransportTest, ClientHalfClosesAndStillReadsTheAnswer) {
  client.configure = [](ScriptedProtocol& p) {
    p.on_made = [](ScriptedProtocol& p) {
      p.transport()->write("ping");
      p.transport()->half_close();
      p.transport()->write("ignored after half_close");
    };
  };
  server.configure = [](ScriptedProtocol& p) {
    p.on_read_lost = [](ScriptedProtocol& p) {
      p.transport()->write("pong:" + p.history().received);
      p.transport()->lose_connection();
    };
  };
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
  auto connector = reactor.connect(port->description(), client);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return server.lost() == 1 && client.lost() == 1; }, "both closed"));
  EXPECT_EQ(server.first()->received, "ping");
  EXPECT_THAT(server.first()->callbacks(), ElementsAre("made", "data", "read_lost", "lost"));
  EXPECT_EQ(client.first()->received, "pong:ping");
  EXPECT_THAT(client.first()->callbacks(), ElementsAre("made", "data", "read_lost", "lost"));
  EXPECT_TRUE(client.first()->lost->is(errc::connection_done));
  EXPECT_TRUE(server.first()->lost->is(errc::connection_done));
}

TEST_F(SocketTransportTest, ServerHalfClosesAfterALargeWriteAndStillReads) {
  const std::string greeting = payload(4 << 20);
  server.configure = [&](ScriptedProtocol& p) {
    p.on_made = [&](ScriptedProtocol& p) {
      p.transport()->write(greeting);
      p.transport()->half_close();  // after the buffered bytes are sent
    };
  };
  client.configure = [](ScriptedProtocol& p) {
    p.on_read_lost = [](ScriptedProtocol& p) {
      p.transport()->write("got " + std::to_string(p.history().received.size()));
      p.transport()->lose_connection();
    };
  };
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
  auto connector = reactor.connect(port->description(), client);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return server.lost() == 1 && client.lost() == 1; }, "both closed"));
  EXPECT_TRUE(client.first()->received == greeting);
  EXPECT_EQ(server.first()->received, "got " + std::to_string(greeting.size()));
  // Both directions shut: the server's connection ends cleanly once the client's EOF comes.
  EXPECT_THAT(server.first()->callbacks(), ElementsAre("made", "data", "read_lost", "lost"));
  EXPECT_TRUE(server.first()->lost->is(errc::connection_done));
  EXPECT_TRUE(client.first()->lost->is(errc::connection_done));
}

// ---- flow control

TEST_F(SocketTransportTest, PausedReadingHoldsDataUntilResumed) {
  server.configure = [](ScriptedProtocol& p) {
    p.on_made = [](ScriptedProtocol& p) { p.transport()->pause_reading(); };
  };
  client.configure = [](ScriptedProtocol& p) {
    p.on_made = [](ScriptedProtocol& p) { p.transport()->write("held in the kernel"); };
  };
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
  auto connector = reactor.connect(port->description(), client);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return server.made() == 1 && client.made() == 1; }, "connected"));
  // Let the reactor turn for a while: the data is there, but reading is paused.
  bool waited = false;
  DelayedCall mark = reactor.call_later(std::chrono::milliseconds(50), [&] { waited = true; });
  ASSERT_TRUE(wait_for(
      reactor, [&] { return waited; }, "50 ms on the reactor clock"));
  EXPECT_EQ(server.first()->received, "");

  server.first()->transport->resume_reading();
  EXPECT_EQ(server.first()->received, "") << "resume_reading delivered from inside the call";
  ASSERT_TRUE(wait_for(
      reactor, [&] { return server.first()->received.size() == 18; }, "the data"));
  EXPECT_EQ(server.first()->received, "held in the kernel");
}

// Writes while it may; counts how the transport paces it.
class Firehose : public Producer {
 public:
  explicit Firehose(Transport& transport) : transport_(transport) {}
  void pause_producing() override {
    paused_ = true;
    ++pauses;
  }
  void resume_producing() override {
    paused_ = false;
    ++resumes;
    if (stop_after_resume) return;
    pump();
  }
  void stop_producing() override { ++stops; }
  void pump() {
    while (!paused_ && written < limit) {
      transport_.write(chunk_);
      written += chunk_.size();
    }
  }

  int pauses = 0;
  int resumes = 0;
  int stops = 0;
  std::size_t written = 0;
  std::size_t limit = 512u << 20;  // a bound, in case pausing never happens
  bool stop_after_resume = false;

 private:
  Transport& transport_;
  std::string chunk_ = payload(16 * 1024);
  bool paused_ = false;
};

TEST_F(SocketTransportTest, ProducerIsPausedAboveHighWaterAndResumedAtLowWater) {
  std::unique_ptr<Firehose> firehose;
  server.configure = [&](ScriptedProtocol& p) {
    p.on_made = [&](ScriptedProtocol& p) {
      firehose = std::make_unique<Firehose>(*p.transport());
      p.transport()->set_write_buffer_limits(256 * 1024, 32 * 1024);
      p.transport()->register_producer(*firehose);
      firehose->pump();
    };
  };
  client.configure = [](ScriptedProtocol& p) {
    p.on_made = [](ScriptedProtocol& p) { p.transport()->pause_reading(); };
  };
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
  auto connector = reactor.connect(port->description(), client);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return firehose && firehose->pauses == 1; }, "the producer paused"));
  Transport& server_transport = *server.first()->transport;
  EXPECT_GT(server_transport.write_buffer_size(), 256u * 1024);
  EXPECT_EQ(firehose->resumes, 0);
  EXPECT_LT(firehose->written, firehose->limit);

  // The client reads again: the buffer drains to the low-water mark and the producer
  // is resumed.
  firehose->stop_after_resume = true;
  client.first()->transport->resume_reading();
  ASSERT_TRUE(wait_for(
      reactor, [&] { return firehose->resumes == 1; }, "the producer resumed"));
  EXPECT_LE(server_transport.write_buffer_size(), 32u * 1024);

  server_transport.lose_connection();
  ASSERT_TRUE(wait_for(
      reactor, [&] { return client.lost() == 1 && server.lost() == 1; }, "both closed"));
  EXPECT_EQ(client.first()->received.size(), firehose->written);
  EXPECT_EQ(firehose->stops, 1) << "the producer is stopped when the connection goes";
}

// ---- protocol errors and callback order

TEST_F(SocketTransportTest, ExceptionInACallbackIsLoggedAbortsThatConnectionOnly) {
  testing::LogCapture log;
  server.configure = [](ScriptedProtocol& p) {
    p.on_data = [](ScriptedProtocol& p, std::string_view data) {
      if (data == "boom") throw std::runtime_error("the protocol blew up");
      p.transport()->write(data);
    };
  };
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
  client.configure = [](ScriptedProtocol& p) {
    p.on_made = [](ScriptedProtocol& p) { p.transport()->write("boom"); };
  };
  auto doomed = reactor.connect(port->description(), client);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return server.lost() == 1 && client.lost() == 1; }, "both closed"));
  const Failure& reason = *server.first()->lost;
  EXPECT_TRUE(reason.is(errc::exception)) << reason.what();
  EXPECT_EQ(reason.what(), "the protocol blew up");
  EXPECT_THAT(log.errors(),
              ElementsAre(AllOf(HasSubstr("data_received"), HasSubstr("the protocol blew up"),
                                HasSubstr("aborting the connection"))));

  // The reactor goes on serving.
  client.configure = [](ScriptedProtocol& p) {
    p.on_made = [](ScriptedProtocol& p) { p.transport()->write("fine"); };
    p.on_data = [](ScriptedProtocol& p, std::string_view) {
      if (p.history().received == "fine") p.transport()->lose_connection();
    };
  };
  auto healthy = reactor.connect(port->description(), client);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return client.lost() == 2; }, "the second client done"));
  EXPECT_EQ(client.histories[1]->received, "fine");
}

TEST_F(SocketTransportTest, ExceptionInConnectionLostIsLoggedOnly) {
  testing::LogCapture log;
  server.configure = [](ScriptedProtocol& p) {
    p.on_lost = [](ScriptedProtocol&, const Failure&) { throw std::runtime_error("late"); };
  };
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
  client.configure = [](ScriptedProtocol& p) {
    p.on_made = [](ScriptedProtocol& p) { p.transport()->lose_connection(); };
  };
  auto connector = reactor.connect(port->description(), client);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return server.lost() == 1 && client.lost() == 1; }, "both closed"));
  EXPECT_TRUE(server.first()->lost->is(errc::connection_done));
  EXPECT_THAT(log.errors(), ElementsAre(AllOf(HasSubstr("connection_lost"), HasSubstr("late"))));
  EXPECT_EQ(reactor.open_connections(), 0u);
}

TEST_F(SocketTransportTest, CallbacksComeInTheirPromisedOrder) {
  std::string received;
  bool lost_done = false;
  FunctionFactory mock_server([&](const Address&) -> std::unique_ptr<Protocol> {
    auto mock = std::make_unique<StrictMock<testing::MockProtocol>>();
    InSequence in_order;
    EXPECT_CALL(*mock, connection_made());
    EXPECT_CALL(*mock, data_received(::testing::_))
        .Times(AtLeast(1))
        .WillRepeatedly(Invoke([&](std::string_view data) { received.append(data); }));
    EXPECT_CALL(*mock, read_connection_lost()).WillOnce(Invoke([raw = mock.get()] {
      raw->transport()->write("bye");
      raw->transport()->lose_connection();
    }));
    EXPECT_CALL(*mock, connection_lost(::testing::_)).WillOnce(Invoke([&](const Failure& reason) {
      lost_done = reason.is(errc::connection_done);
    }));
    return mock;
  });
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", mock_server);
  const std::string sent = payload(300'000);
  client.configure = [&](ScriptedProtocol& p) {
    p.on_made = [&](ScriptedProtocol& p) {
      p.transport()->write(sent);
      p.transport()->half_close();
    };
  };
  auto connector = reactor.connect(port->description(), client);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return client.lost() == 1 && reactor.open_connections() == 0; },
      "both closed"));
  EXPECT_TRUE(received == sent);
  EXPECT_TRUE(lost_done);
  EXPECT_EQ(client.first()->received, "bye");
}

TEST_F(SocketTransportTest, WriteSequenceSendsThePiecesInOrder) {
  std::vector<std::string> pieces;
  for (int i = 0; i < 200; ++i) pieces.push_back(payload(1 + i * 37, i + 3));
  std::string expected;
  for (const auto& piece : pieces) expected += piece;
  server.configure = [&](ScriptedProtocol& p) {
    p.on_made = [&](ScriptedProtocol& p) {
      std::vector<std::string_view> views(pieces.begin(), pieces.end());
      p.transport()->write_sequence(views);
      p.transport()->write_sequence(views);
      p.transport()->lose_connection();
    };
  };
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
  auto connector = reactor.connect(port->description(), client);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return client.lost() == 1; }, "the client done"));
  EXPECT_TRUE(client.first()->received == expected + expected);
}

TEST_F(SocketTransportTest, FactoryReturningNullClosesTheConnection) {
  testing::LogCapture log;
  FunctionFactory refuse([](const Address&) -> std::unique_ptr<Protocol> { return nullptr; });
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", refuse);
  auto connector = reactor.connect(port->description(), client);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return client.lost() == 1; }, "the client sees the close"));
  EXPECT_EQ(client.first()->callbacks().back(), "lost");
  EXPECT_EQ(reactor.open_connections(), 0u);
  EXPECT_TRUE(log.errors().empty());
}

}  // namespace
}  // namespace kit::live
