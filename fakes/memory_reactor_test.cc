#include "fakes/memory_reactor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "kit/log.h"

namespace kit::fakes {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// What the protocols of one test did, kept outside them: the reactor destroys them.
struct Journal {
  std::vector<std::string> events;
};

// A protocol that journals its life under a name; `stubborn` ignores stop_requested().
class JournalingProtocol : public Protocol {
 public:
  JournalingProtocol(Journal& journal, std::string name, bool stubborn = false)
      : journal_(journal), name_(std::move(name)), stubborn_(stubborn) {}
  ~JournalingProtocol() override { note("destroyed"); }

  void connection_made() override {
    note("made peer=" + transport()->peer().to_string() +
         " host=" + transport()->host().to_string());
  }
  void data_received(std::string_view data) override {
    note("data:" + std::string(data));
    transport()->write(data);
  }
  void connection_lost(const Failure& reason) override {
    note(reason.is(errc::connection_done)      ? "lost:done"
         : reason.is(errc::connection_aborted) ? "lost:aborted"
                                               : "lost:" + reason.what());
  }
  void stop_requested() override {
    note("stop_requested");
    if (!stubborn_) Protocol::stop_requested();
  }
  void quit() { transport()->lose_connection(); }

 private:
  void note(const std::string& what) { journal_.events.push_back(name_ + " " + what); }

  Journal& journal_;
  std::string name_;
  bool stubborn_;
};

// A server factory that journals starts, stops and peers, and may refuse.
class ServerFactory : public Factory {
 public:
  explicit ServerFactory(Journal& journal, bool stubborn = false)
      : journal_(journal), stubborn_(stubborn) {}
  std::unique_ptr<Protocol> build_protocol(const Address&) override {
    if (refuse) return nullptr;
    return std::make_unique<JournalingProtocol>(journal_, "server" + std::to_string(built++),
                                                stubborn_);
  }
  void start_factory() override { journal_.events.push_back("factory start"); }
  void stop_factory() override { journal_.events.push_back("factory stop"); }
  bool refuse = false;
  int built = 0;

 private:
  Journal& journal_;
  bool stubborn_;
};

// A client factory that journals every callback; `retries` reconnects on failure.
class ClientJournalFactory : public ClientFactory {
 public:
  explicit ClientJournalFactory(Journal& journal) : journal_(journal) {}
  std::unique_ptr<Protocol> build_protocol(const Address& peer) override {
    journal_.events.push_back("build for " + peer.to_string());
    if (refuse) return nullptr;
    auto protocol = std::make_unique<JournalingProtocol>(journal_, "client");
    last = protocol.get();
    return protocol;
  }
  void start_factory() override { journal_.events.push_back("factory start"); }
  void stop_factory() override { journal_.events.push_back("factory stop"); }
  void started_connecting(Connector& connector) override {
    journal_.events.push_back("started " + connector.destination().host);
  }
  void client_connection_failed(Connector& connector, const Failure& reason) override {
    journal_.events.push_back("failed " + reason.what());
    if (retries > 0) {
      --retries;
      connector.connect();
    }
  }
  void client_connection_lost(Connector& connector, const Failure& reason) override {
    journal_.events.push_back(std::string("lost ") +
                              (reason.is(errc::connection_done) ? "done" : reason.what()));
    EXPECT_EQ(connector.state(), Connector::State::disconnected);
  }
  bool refuse = false;
  int retries = 0;
  JournalingProtocol* last = nullptr;

 private:
  Journal& journal_;
};

// ---- the clock, call_soon and call_from_thread

TEST(MemoryReactor, TimeIsItsFakeClocks) {
  MemoryReactor reactor;
  bool ran = false;
  DelayedCall call = reactor.call_later(seconds(2), [&] { ran = true; });
  EXPECT_EQ(reactor.clock().pending(), 1u);
  reactor.clock().advance(seconds(2));
  EXPECT_TRUE(ran);
  EXPECT_EQ(reactor.now(), reactor.clock().now());
  EXPECT_EQ(reactor.now(), TimePoint(seconds(2)));
}

TEST(MemoryReactor, CallSoonRunsOnTheNextAdvanceInOrder) {
  MemoryReactor reactor;
  std::vector<std::string> ran;
  reactor.call_soon([&] {
    ran.push_back("a");
    reactor.call_soon([&] { ran.push_back("c (from a)"); });
  });
  reactor.call_soon([&] { ran.push_back("b"); });
  EXPECT_TRUE(ran.empty());
  reactor.clock().advance(seconds(0));
  EXPECT_THAT(ran, ElementsAre("a", "b", "c (from a)"));
}

TEST(MemoryReactor, CallFromThreadIsSafeFromAnyThreadAndRunsOnTheNextAdvance) {
  MemoryReactor reactor;
  constexpr int threads = 4;
  constexpr int per_thread = 1000;
  std::vector<std::vector<int>> seen(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&reactor, &seen, t] {
      for (int i = 0; i < per_thread; ++i) {
        reactor.call_from_thread([&seen, t, i] { seen[t].push_back(i); });
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  for (const auto& list : seen) EXPECT_TRUE(list.empty()) << "nothing runs before the advance";
  reactor.clock().advance(seconds(0));
  for (int t = 0; t < threads; ++t) {
    ASSERT_EQ(seen[t].size(), static_cast<std::size_t>(per_thread));
    for (int i = 0; i < per_thread; ++i) EXPECT_EQ(seen[t][i], i) << "each thread's order kept";
  }
}

// ---- listening and accepting

TEST(MemoryReactor, ListenRecordsTheEndpointFactoryAndAPortWithAFakePortForZero) {
  Journal journal;
  ServerFactory factory(journal);
  MemoryReactor reactor;
  auto any = reactor.listen("tcp:0", factory);
  auto local = reactor.listen("tcp:8000:interface=127.0.0.1", factory);
  auto v6 = reactor.listen("tcp:0:interface=::1", factory);
  auto tls = reactor.listen("ssl:8443:privateKey=key.pem:interface=127.0.0.1", factory);
  auto unix_port = reactor.listen("unix:/tmp/x.sock", factory);

  ASSERT_EQ(reactor.listens().size(), 5u);
  EXPECT_EQ(any->address(), Address::tcp("0.0.0.0", MemoryReactor::first_fake_port));
  EXPECT_EQ(any->description(), "tcp:0.0.0.0:32768");
  EXPECT_EQ(local->description(), "tcp:127.0.0.1:8000");
  EXPECT_EQ(v6->description(), "tcp:[::1]:32769");
  EXPECT_EQ(tls->description(), "ssl:127.0.0.1:8443");
  EXPECT_EQ(unix_port->description(), "unix:/tmp/x.sock");

  const MemoryReactor::Listen& record = reactor.listens().at(1);
  EXPECT_EQ(record.endpoint(), parse_server_endpoint("tcp:8000:interface=127.0.0.1"));
  EXPECT_EQ(&record.factory(), &factory);
  EXPECT_EQ(record.port().description(), local->description());
  EXPECT_TRUE(record.listening());
  EXPECT_THAT(journal.events, ElementsAre("factory start")) << "once for all five ports";
}

TEST(MemoryReactor, StopListeningIsRecordedAndStopsTheFactoryAfterItsLastPort) {
  Journal journal;
  ServerFactory factory(journal);
  MemoryReactor reactor;
  auto first = reactor.listen("tcp:0", factory);
  auto second = reactor.listen("tcp:0", factory);
  first->stop_listening();
  first->stop_listening();  // idempotent
  EXPECT_FALSE(reactor.listens().at(0).listening());
  EXPECT_TRUE(reactor.listens().at(1).listening());
  EXPECT_THAT(journal.events, ElementsAre("factory start"));
  second.reset();  // destroying the port stops it
  EXPECT_FALSE(reactor.listens().at(1).listening());
  EXPECT_THAT(journal.events, ElementsAre("factory start", "factory stop"));
  EXPECT_EQ(reactor.listens().at(1).port().description(), "tcp:0.0.0.0:32769")
      << "the record outlives the returned port";
}

TEST(MemoryReactor, ListeningTwiceOnOneAddressThrowsAddressInUse) {
  Journal journal;
  ServerFactory factory(journal);
  MemoryReactor reactor;
  auto port = reactor.listen("tcp:8000:interface=127.0.0.1", factory);
  auto other_interface = reactor.listen("tcp:8000:interface=10.0.0.1", factory);
  try {
    (void)reactor.listen("tcp:8000", factory);  // all interfaces, 8000 included
    FAIL() << "listened twice";
  } catch (const FailureError& error) {
    EXPECT_TRUE(error.failure().is(std::errc::address_in_use));
    EXPECT_THAT(error.failure().what(), HasSubstr("listening on tcp:8000"));
  }
  EXPECT_THROW((void)reactor.listen("tcp:8000:interface=127.0.0.1", factory), FailureError);
  auto unix_port = reactor.listen("unix:/tmp/s", factory);
  EXPECT_THROW((void)reactor.listen("unix:/tmp/s", factory), FailureError);
  port->stop_listening();
  EXPECT_NO_THROW((void)reactor.listen("tcp:8000:interface=127.0.0.1", factory));
  EXPECT_EQ(reactor.listens().size(), 4u) << "failed listens are not recorded";
}

TEST(MemoryReactor, AcceptBuildsAServerProtocolOnANewStringTransport) {
  Journal journal;
  ServerFactory factory(journal);
  MemoryReactor reactor;
  auto port = reactor.listen("tcp:7000:interface=127.0.0.1", factory);
  StringTransport* transport = reactor.accept(0, Address::tcp("10.1.2.3", 5555));
  ASSERT_NE(transport, nullptr);
  EXPECT_EQ(transport->peer(), Address::tcp("10.1.2.3", 5555));
  EXPECT_EQ(transport->host(), Address::tcp("127.0.0.1", 7000));
  EXPECT_EQ(reactor.open_connections(), 1u);
  EXPECT_EQ(reactor.listens().at(0).accepted(), 1u);
  transport->receive("ping");
  EXPECT_EQ(transport->value(), "ping");
  EXPECT_THAT(journal.events, ElementsAre("factory start",
                                          "server0 made peer=tcp:10.1.2.3:5555 "
                                          "host=tcp:127.0.0.1:7000",
                                          "server0 data:ping"));
}

TEST(MemoryReactor, TheServerProtocolIsDestroyedRightAfterItsConnectionEnds) {
  Journal journal;
  ServerFactory factory(journal);
  MemoryReactor reactor;
  auto port = reactor.listen("tcp:0", factory);
  StringTransport* transport = reactor.accept(0);
  transport->lose_from_peer(Failure(errc::connection_done));
  EXPECT_EQ(reactor.open_connections(), 0u);
  EXPECT_EQ(transport->protocol(), nullptr);
  EXPECT_THAT(std::vector<std::string>(journal.events.end() - 2, journal.events.end()),
              ElementsAre("server0 lost:done", "server0 destroyed"));
}

TEST(MemoryReactor, AcceptRefusedByTheFactoryReturnsNullAndIsReported) {
  Journal journal;
  ServerFactory factory(journal);
  MemoryReactor reactor;
  auto port = reactor.listen("tcp:0", factory);
  factory.refuse = true;
  std::vector<std::string> logged;
  LogSink previous = set_log_sink([&](LogLevel level, std::string_view message) {
    logged.push_back(std::string(log_level_name(level)) + ": " + std::string(message));
  });
  StringTransport* transport = reactor.accept(0, Address::tcp("10.9.9.9", 1));
  set_log_sink(std::move(previous));
  EXPECT_EQ(transport, nullptr);
  EXPECT_EQ(reactor.listens().at(0).refused(), 1u);
  EXPECT_EQ(reactor.listens().at(0).accepted(), 0u);
  EXPECT_EQ(reactor.open_connections(), 0u);
  EXPECT_THAT(logged, ElementsAre(HasSubstr("info: MemoryReactor: the factory listening on "
                                            "tcp:0.0.0.0:32768 refused a connection from "
                                            "tcp:10.9.9.9:1")));
}

TEST(MemoryReactor, AcceptNeedsAListenThatIsListening) {
  Journal journal;
  ServerFactory factory(journal);
  MemoryReactor reactor;
  EXPECT_THROW((void)reactor.accept(0), std::out_of_range);
  auto port = reactor.listen("tcp:0", factory);
  port->stop_listening();
  try {
    (void)reactor.accept(0);
    FAIL() << "accepted on a stopped port";
  } catch (const std::logic_error& error) {
    EXPECT_THAT(error.what(), HasSubstr("has stopped listening"));
  }
}

// ---- connecting

TEST(MemoryReactor, ConnectRecordsTheAttemptAndStartsConnecting) {
  Journal journal;
  ClientJournalFactory factory(journal);
  MemoryReactor reactor;
  std::shared_ptr<Connector> connector = reactor.connect("tcp:example.com:80", factory);
  ASSERT_EQ(reactor.connects().size(), 1u);
  const MemoryReactor::Connect& record = reactor.connects().at(0);
  EXPECT_EQ(&record.connector(), connector.get());
  EXPECT_EQ(&record.factory(), &factory);
  EXPECT_EQ(record.endpoint().host, "example.com");
  EXPECT_EQ(record.endpoint().port, 80);
  EXPECT_EQ(record.attempts(), 1u);
  EXPECT_EQ(record.transport(), nullptr);
  EXPECT_EQ(connector->state(), Connector::State::connecting);
  EXPECT_EQ(connector->destination(), record.endpoint());
  EXPECT_THAT(journal.events, ElementsAre("factory start", "started example.com"));
}

TEST(MemoryReactor, CompleteConnectsTheClientProtocolToANewStringTransport) {
  Journal journal;
  ClientJournalFactory factory(journal);
  MemoryReactor reactor;
  std::shared_ptr<Connector> connector = reactor.connect("tcp:10.0.0.5:8080", factory);
  StringTransport* transport = reactor.connects().at(0).complete();
  ASSERT_NE(transport, nullptr);
  EXPECT_EQ(reactor.connects().at(0).transport(), transport);
  EXPECT_EQ(connector->state(), Connector::State::connected);
  EXPECT_EQ(transport->peer(), Address::tcp("10.0.0.5", 8080));
  EXPECT_EQ(transport->host(), Address::tcp("127.0.0.1", MemoryReactor::first_fake_port));
  EXPECT_EQ(reactor.open_connections(), 1u);
  EXPECT_EQ(transport->protocol(), factory.last);
  EXPECT_THAT(journal.events,
              ElementsAre("factory start", "started 10.0.0.5", "build for tcp:10.0.0.5:8080",
                          "client made peer=tcp:10.0.0.5:8080 host=tcp:127.0.0.1:32768"));
}

TEST(MemoryReactor, TheClientFactoryHearsConnectionLostAfterTheProtocolThenItIsDestroyed) {
  Journal journal;
  ClientJournalFactory factory(journal);
  MemoryReactor reactor;
  std::shared_ptr<Connector> connector = reactor.connect("tcp:10.0.0.5:8080", factory);
  StringTransport* transport = reactor.connects().at(0).complete();
  journal.events.clear();
  transport->lose_from_peer(Failure(errc::connection_done));
  EXPECT_THAT(journal.events,
              ElementsAre("client lost:done", "lost done", "factory stop", "client destroyed"));
  EXPECT_EQ(connector->state(), Connector::State::disconnected);
  EXPECT_EQ(reactor.open_connections(), 0u);
}

TEST(MemoryReactor, FailGivesClientConnectionFailedWithTheReason) {
  Journal journal;
  ClientJournalFactory factory(journal);
  MemoryReactor reactor;
  std::shared_ptr<Connector> connector = reactor.connect("tcp:10.0.0.5:8080", factory);
  journal.events.clear();
  reactor.connects().at(0).fail(
      Failure(std::make_error_code(std::errc::connection_refused), "connecting to 10.0.0.5:8080"));
  EXPECT_EQ(connector->state(), Connector::State::disconnected);
  ASSERT_EQ(journal.events.size(), 2u);
  EXPECT_THAT(journal.events[0], HasSubstr("failed connecting to 10.0.0.5:8080"));
  EXPECT_EQ(journal.events[1], "factory stop");
  EXPECT_EQ(reactor.open_connections(), 0u);
}

TEST(MemoryReactor, AClientThatRetriesFromItsCallbackStartsANewAttempt) {
  Journal journal;
  ClientJournalFactory factory(journal);
  MemoryReactor reactor;
  factory.retries = 1;
  std::shared_ptr<Connector> connector = reactor.connect("tcp:10.0.0.5:8080", factory);
  reactor.connects().at(0).fail(Failure(errc::timed_out));
  EXPECT_EQ(connector->state(), Connector::State::connecting);
  EXPECT_EQ(reactor.connects().at(0).attempts(), 2u);
  EXPECT_NE(reactor.connects().at(0).complete(), nullptr);
  EXPECT_EQ(connector->state(), Connector::State::connected);
  EXPECT_EQ(std::count(journal.events.begin(), journal.events.end(), "factory start"), 1)
      << "the factory stays started across the retry";
  EXPECT_EQ(std::count(journal.events.begin(), journal.events.end(), "factory stop"), 0);
}

TEST(MemoryReactor, AnAttemptNobodySettlesTimesOutOnTheClock) {
  Journal journal;
  ClientJournalFactory factory(journal);
  MemoryReactor reactor;
  std::shared_ptr<Connector> connector =
      reactor.connect("tcp:host=10.0.0.5:port=80:timeout=5", factory);
  reactor.clock().advance(seconds(4.9));
  EXPECT_EQ(connector->state(), Connector::State::connecting);
  reactor.clock().advance(seconds(0.1));
  EXPECT_EQ(connector->state(), Connector::State::disconnected);
  EXPECT_THAT(journal.events, ::testing::Contains(HasSubstr("failed connecting to "
                                                            "tcp:10.0.0.5:80")));
}

TEST(MemoryReactor, CompletingAnAttemptCancelsItsTimeout) {
  Journal journal;
  ClientJournalFactory factory(journal);
  MemoryReactor reactor;
  std::shared_ptr<Connector> connector = reactor.connect("tcp:10.0.0.5:80", factory);
  reactor.connects().at(0).complete();
  EXPECT_EQ(reactor.clock().pending(), 0u);
  reactor.clock().advance(seconds(60));
  EXPECT_EQ(connector->state(), Connector::State::connected);
}

TEST(MemoryReactor, StopConnectingAndDisconnect) {
  Journal journal;
  ClientJournalFactory factory(journal);
  MemoryReactor reactor;
  std::shared_ptr<Connector> connector = reactor.connect("tcp:10.0.0.5:80", factory);
  connector->stop_connecting();
  EXPECT_EQ(connector->state(), Connector::State::disconnected);
  EXPECT_THAT(journal.events, ::testing::Contains(HasSubstr("failed")));
  EXPECT_THROW(connector->stop_connecting(), std::logic_error);

  journal.events.clear();
  connector->connect();
  connector->disconnect();  // while connecting: same as stop_connecting()
  EXPECT_EQ(connector->state(), Connector::State::disconnected);

  connector->connect();
  EXPECT_THROW(connector->connect(), std::logic_error) << "already connecting";
  reactor.connects().at(0).complete();
  connector->disconnect();  // loses the connection, on the reactor's next turn
  EXPECT_EQ(connector->state(), Connector::State::connected);
  reactor.clock().advance(seconds(0));
  EXPECT_EQ(connector->state(), Connector::State::disconnected);
  EXPECT_THAT(journal.events, ::testing::Contains("client lost:done"));
}

TEST(MemoryReactor, CompleteAndFailNeedAnAttemptInProgress) {
  Journal journal;
  ClientJournalFactory factory(journal);
  MemoryReactor reactor;
  std::shared_ptr<Connector> connector = reactor.connect("tcp:10.0.0.5:80", factory);
  reactor.connects().at(0).complete();
  try {
    reactor.connects().at(0).complete();
    FAIL() << "completed twice";
  } catch (const std::logic_error& error) {
    EXPECT_THAT(error.what(), HasSubstr("tcp:10.0.0.5:80 is not connecting"));
  }
  EXPECT_THROW(reactor.connects().at(0).fail(Failure(errc::timed_out)), std::logic_error);
}

TEST(MemoryReactor, AClientFactoryThatBuildsNoProtocolFailsTheAttempt) {
  Journal journal;
  ClientJournalFactory factory(journal);
  MemoryReactor reactor;
  factory.refuse = true;
  std::shared_ptr<Connector> connector = reactor.connect("unix:/tmp/server.sock", factory);
  EXPECT_EQ(reactor.connects().at(0).complete(), nullptr);
  EXPECT_EQ(connector->state(), Connector::State::disconnected);
  EXPECT_THAT(journal.events, ::testing::Contains(HasSubstr("the factory built no protocol")));
  EXPECT_THAT(journal.events, ::testing::Contains("build for unix:/tmp/server.sock"));
}

TEST(MemoryReactor, ARequestFromOutsideAnyCallCompletesOnTheClocksNextAdvance) {
  Journal journal;
  ClientJournalFactory factory(journal);
  MemoryReactor reactor;
  std::shared_ptr<Connector> connector = reactor.connect("tcp:10.0.0.5:80", factory);
  reactor.connects().at(0).complete();
  factory.last->quit();  // protocol code the test calls directly
  EXPECT_EQ(connector->state(), Connector::State::connected) << "not inside quit()";
  reactor.clock().advance(seconds(0));
  EXPECT_EQ(connector->state(), Connector::State::disconnected);
}

// ---- run, stop, shutdown, signals

TEST(MemoryReactor, RunAndStopAreRecorded) {
  MemoryReactor reactor;
  EXPECT_FALSE(reactor.running());
  reactor.run();
  EXPECT_TRUE(reactor.running());
  EXPECT_THROW(reactor.run(), std::logic_error);
  reactor.stop();
  EXPECT_FALSE(reactor.running());
  EXPECT_EQ(reactor.run_calls(), 1u);
  EXPECT_EQ(reactor.stop_calls(), 1u);
}

TEST(MemoryReactor, StopAbortsTheOpenConnections) {
  Journal journal;
  ServerFactory factory(journal);
  MemoryReactor reactor;
  auto port = reactor.listen("tcp:0", factory);
  reactor.accept(0);
  reactor.run();
  reactor.stop();
  reactor.clock().advance(seconds(0));
  EXPECT_EQ(reactor.open_connections(), 0u);
  EXPECT_THAT(journal.events, ::testing::Contains("server0 lost:aborted"));
}

TEST(MemoryReactor, ShutdownAsksEveryProtocolToStopThenStopsWhenTheyHaveClosed) {
  Journal journal;
  ServerFactory factory(journal);
  MemoryReactor reactor;
  auto port = reactor.listen("tcp:0", factory);
  reactor.accept(0);
  reactor.accept(0);
  reactor.run();
  journal.events.clear();
  reactor.shutdown(seconds(10));
  EXPECT_FALSE(reactor.listens().at(0).listening());
  EXPECT_EQ(reactor.open_connections(), 0u);
  EXPECT_FALSE(reactor.running());
  EXPECT_EQ(reactor.stop_calls(), 1u);
  EXPECT_THAT(reactor.shutdowns(), ElementsAre(seconds(10)));
  EXPECT_THAT(journal.events,
              ElementsAre("factory stop", "server0 stop_requested", "server1 stop_requested",
                          "server0 lost:done", "server0 destroyed", "server1 lost:done",
                          "server1 destroyed"))
      << "every protocol hears stop_requested() before any connection_lost()";
  EXPECT_EQ(reactor.clock().pending(), 0u) << "the grace timer is gone";
}

TEST(MemoryReactor, ShutdownAbortsWhatIsStillOpenWhenTheGracePasses) {
  Journal journal;
  ServerFactory factory(journal, /*stubborn=*/true);
  MemoryReactor reactor;
  auto port = reactor.listen("tcp:0", factory);
  reactor.accept(0);
  reactor.run();
  reactor.shutdown(seconds(10));
  reactor.clock().advance(std::chrono::milliseconds(9999));
  EXPECT_EQ(reactor.open_connections(), 1u);
  EXPECT_TRUE(reactor.running());
  reactor.clock().advance(std::chrono::milliseconds(1));
  EXPECT_EQ(reactor.open_connections(), 0u);
  EXPECT_FALSE(reactor.running());
  EXPECT_THAT(journal.events, ::testing::Contains("server0 lost:aborted"));
}

TEST(MemoryReactor, ShutdownWithNothingOpenStopsAtOnce) {
  MemoryReactor reactor;
  reactor.run();
  reactor.shutdown(seconds(5));
  EXPECT_FALSE(reactor.running());
  EXPECT_EQ(reactor.stop_calls(), 1u);
  EXPECT_THROW(reactor.shutdown(seconds(-1)), std::invalid_argument);
}

TEST(MemoryReactor, OnSignalsIsRecordedAndRaiseSignalRunsTheHandler) {
  MemoryReactor reactor;
  std::vector<int> handled;
  reactor.on_signals({SIGINT, SIGTERM}, [&](int signal) {
    handled.push_back(signal);
    reactor.shutdown(seconds(1));
  });
  EXPECT_THAT(reactor.handled_signals(), ElementsAre(SIGINT, SIGTERM));
  EXPECT_TRUE(reactor.raise_signal(SIGTERM));
  EXPECT_FALSE(reactor.raise_signal(SIGHUP));
  EXPECT_THAT(handled, ElementsAre(SIGTERM));
  EXPECT_THAT(reactor.shutdowns(), ElementsAre(seconds(1)));
}

// ---- lifetimes

TEST(MemoryReactor, ConnectorsAndPortsMayOutliveTheReactor) {
  Journal journal;
  ClientJournalFactory client_factory(journal);
  ServerFactory server_factory(journal);
  std::shared_ptr<Connector> connector;
  std::unique_ptr<ListeningPort> port;
  {
    MemoryReactor reactor;
    connector = reactor.connect("tcp:10.0.0.5:80", client_factory);
    port = reactor.listen("tcp:0", server_factory);
  }
  EXPECT_EQ(connector->state(), Connector::State::disconnected);
  EXPECT_THROW(connector->connect(), std::logic_error);
  EXPECT_EQ(port->description(), "tcp:0.0.0.0:32768");
  port.reset();
  EXPECT_EQ(journal.events.back(), "factory stop");
}

}  // namespace
}  // namespace kit::fakes
