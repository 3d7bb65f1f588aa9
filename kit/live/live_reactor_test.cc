// The live reactor's own services on the real clock and real sockets: delayed calls,
// call_soon, call_from_thread, signals, stop, graceful shutdown and teardown.
#include "kit/live/live_reactor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "kit/failure.h"
#include "testing/live/wait_for.h"
#include "testing/log_capture.h"
#include "testing/scripted_protocol.h"

namespace kit::live {
namespace {

using std::chrono::milliseconds;
using testing::ConnectionHistory;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ScriptedFactory;
using testing::ScriptedProtocol;
using testing::wait_for;

class LiveReactorTest : public ::testing::Test {
 protected:
  // Opens `count` client connections to a server on 127.0.0.1 and waits until both ends
  // of each are up.
  std::unique_ptr<ListeningPort> connect_pairs(int count) {
    auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
    for (int i = 0; i < count; ++i)
      connectors.push_back(reactor.connect(port->description(), client));
    EXPECT_TRUE(wait_for(
        reactor,
        [&] {
          return server.made() == static_cast<std::size_t>(count) &&
                 client.made() == static_cast<std::size_t>(count);
        },
        "the connections"));
    return port;
  }

  // Factories outlive the reactor, which delivers the last callbacks when it goes.
  ScriptedFactory server;
  ScriptedFactory client;
  ScriptedFactory late;
  LiveReactor reactor;
  std::vector<std::shared_ptr<Connector>> connectors;
};

// ---- the clock

TEST_F(LiveReactorTest, NowFollowsTheMonotonicClock) {
  const TimePoint before = reactor.now();
  const auto steady = std::chrono::steady_clock::now().time_since_epoch();
  const TimePoint after = reactor.now();
  EXPECT_LE(before, after);
  EXPECT_LE(before.time_since_epoch(), steady);
  EXPECT_GE(after.time_since_epoch(), steady);
}

TEST_F(LiveReactorTest, DelayedCallsRunInDeadlineOrderAndNeverEarly) {
  std::vector<std::string> order;
  std::vector<DelayedCall> calls;
  auto at = [&](int ms, std::string name) {
    const TimePoint deadline = reactor.now() + milliseconds(ms);
    calls.push_back(reactor.call_later(milliseconds(ms), [this, &order, name, deadline] {
      EXPECT_GE(reactor.now(), deadline) << name << " ran early";
      order.push_back(name);
    }));
  };
  at(60, "a");
  at(20, "b");
  at(40, "c");
  at(0, "d");
  at(0, "e");
  ASSERT_TRUE(wait_for(
      reactor, [&] { return order.size() == 5; }, "every call"));
  EXPECT_THAT(order, ElementsAre("d", "e", "b", "c", "a"));
}

TEST_F(LiveReactorTest, ACallScheduledEarlierThanThePendingOnesRearmsTheTimer) {
  bool late = false;
  bool soon = false;
  DelayedCall far = reactor.call_later(std::chrono::hours(1), [&] { late = true; });
  DelayedCall near = reactor.call_later(milliseconds(10), [&] { soon = true; });
  ASSERT_TRUE(wait_for(
      reactor, [&] { return soon; }, "the near call"));
  EXPECT_FALSE(late);
  EXPECT_TRUE(far.active());
}

TEST_F(LiveReactorTest, ACallCenturiesAheadWaitsQuietly) {
  bool far_ran = false;
  bool near_ran = false;
  DelayedCall far = reactor.call_later(std::chrono::hours(24 * 365 * 200), [&] { far_ran = true; });
  DelayedCall near = reactor.call_later(milliseconds(5), [&] { near_ran = true; });
  ASSERT_TRUE(wait_for(
      reactor, [&] { return near_ran; }, "the near call"));
  EXPECT_FALSE(far_ran);
  EXPECT_TRUE(far.active());
}

TEST_F(LiveReactorTest, CancelledAndDroppedCallsNeverRun) {
  bool cancelled_ran = false;
  bool dropped_ran = false;
  bool marker = false;
  DelayedCall cancelled = reactor.call_later(milliseconds(5), [&] { cancelled_ran = true; });
  {
    DelayedCall dropped = reactor.call_later(milliseconds(5), [&] { dropped_ran = true; });
  }  // the handle is gone: the call is cancelled
  DelayedCall last = reactor.call_later(milliseconds(30), [&] { marker = true; });
  EXPECT_TRUE(cancelled.cancel());
  EXPECT_FALSE(cancelled.active());
  ASSERT_TRUE(wait_for(
      reactor, [&] { return marker; }, "the marker call"));
  EXPECT_FALSE(cancelled_ran);
  EXPECT_FALSE(dropped_ran);
}

TEST_F(LiveReactorTest, ResetMovesACallLater) {
  std::vector<std::string> order;
  DelayedCall moved = reactor.call_later(milliseconds(5), [&] { order.push_back("moved"); });
  DelayedCall fixed = reactor.call_later(milliseconds(30), [&] { order.push_back("fixed"); });
  moved.reset(milliseconds(80));
  ASSERT_TRUE(wait_for(
      reactor, [&] { return order.size() == 2; }, "both calls"));
  EXPECT_THAT(order, ElementsAre("fixed", "moved"));
}

TEST_F(LiveReactorTest, ExceptionInADelayedCallIsLoggedAndTheReactorGoesOn) {
  testing::LogCapture log;
  bool after = false;
  DelayedCall bad = reactor.call_later(milliseconds(1), [] { throw std::runtime_error("tick"); });
  DelayedCall good = reactor.call_later(milliseconds(10), [&] { after = true; });
  ASSERT_TRUE(wait_for(
      reactor, [&] { return after; }, "the call after the throwing one"));
  EXPECT_THAT(log.errors(), ElementsAre(HasSubstr("tick")));
}

// ---- call_soon and call_from_thread

TEST_F(LiveReactorTest, CallSoonRunsInOrderAfterTheCurrentCallbackReturns) {
  std::vector<std::string> order;
  reactor.call_soon([&] {
    order.push_back("first");
    reactor.call_soon([&] { order.push_back("queued by first"); });
    order.push_back("first returns");
  });
  reactor.call_soon([&] { order.push_back("second"); });
  ASSERT_TRUE(wait_for(
      reactor, [&] { return order.size() == 4; }, "every call"));
  EXPECT_THAT(order, ElementsAre("first", "first returns", "second", "queued by first"));
}

TEST_F(LiveReactorTest, ExceptionInCallSoonIsLogged) {
  testing::LogCapture log;
  bool after = false;
  reactor.call_soon([] { throw std::runtime_error("soon"); });
  reactor.call_soon([&] { after = true; });
  ASSERT_TRUE(wait_for(
      reactor, [&] { return after; }, "the next call"));
  EXPECT_THAT(log.errors(), ElementsAre(HasSubstr("soon")));
}

TEST_F(LiveReactorTest, CallFromThreadRunsEveryCallOnTheReactorThread) {
  constexpr int threads = 4;
  constexpr int calls = 500;
  int ran = 0;  // touched only on the reactor's thread
  bool all_on_reactor_thread = true;
  const std::thread::id reactor_thread = std::this_thread::get_id();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int i = 0; i < calls; ++i) {
        reactor.call_from_thread([&] {
          ++ran;
          if (std::this_thread::get_id() != reactor_thread) all_on_reactor_thread = false;
        });
      }
    });
  }
  ASSERT_TRUE(wait_for(
      reactor, [&] { return ran == threads * calls; }, "every call"));
  for (auto& worker : workers) worker.join();
  EXPECT_TRUE(all_on_reactor_thread);
}

TEST_F(LiveReactorTest, StopFromAnotherThreadEndsRun) {
  std::atomic<bool> running{false};
  reactor.call_soon([&] { running = true; });
  std::thread stopper([&] {
    while (!running) std::this_thread::yield();
    reactor.stop();
  });
  reactor.run();  // returns only because of the stop
  stopper.join();
  EXPECT_TRUE(running);
}

// ---- signals

TEST_F(LiveReactorTest, SignalsRunTheHandlerOnTheReactor) {
  std::vector<int> seen;
  reactor.on_signals({SIGTERM, SIGINT}, [&](int signal) { seen.push_back(signal); });
  std::raise(SIGTERM);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return seen.size() == 1; }, "SIGTERM"));
  std::raise(SIGINT);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return seen.size() == 2; }, "SIGINT"));
  EXPECT_THAT(seen, ElementsAre(SIGTERM, SIGINT));
}

TEST_F(LiveReactorTest, SignalHandlerCanShutTheReactorDown) {
  auto port = connect_pairs(1);
  reactor.on_signals({SIGTERM}, [&](int) { reactor.shutdown(std::chrono::seconds(5)); });
  reactor.call_soon([] { std::raise(SIGTERM); });
  reactor.run();
  EXPECT_EQ(reactor.open_connections(), 0u);
  EXPECT_TRUE(server.first()->lost->is(errc::connection_done));
}

// ---- stop and shutdown

TEST_F(LiveReactorTest, StopAbortsOpenConnectionsAndRunReturns) {
  auto port = connect_pairs(2);
  reactor.call_soon([&] { reactor.stop(); });
  reactor.run();
  EXPECT_EQ(reactor.open_connections(), 0u);
  for (const auto& history : server.histories) {
    ASSERT_TRUE(history->has_lost());
    EXPECT_TRUE(history->lost->is(errc::connection_aborted)) << history->lost->what();
  }
  for (const auto& history : client.histories) {
    ASSERT_TRUE(history->has_lost());
    EXPECT_TRUE(history->lost->is(errc::connection_aborted)) << history->lost->what();
  }
  EXPECT_EQ(client.client_lost.size(), 2u);
}

TEST_F(LiveReactorTest, ShutdownClosesPoliteConnectionsAndAbortsTheRestAfterTheGrace) {
  // The first server connection closes when asked (the default); the second ignores the
  // request, and even its peer's close, so only the end of the grace period closes it.
  constexpr auto grace = milliseconds(300);
  TimePoint asked{};
  TimePoint polite_closed{};
  int built = 0;
  server.configure = [&](ScriptedProtocol& p) {
    if (built++ == 0) {
      p.on_lost = [&](ScriptedProtocol&, const Failure&) { polite_closed = reactor.now(); };
    } else {
      p.on_stop = [](ScriptedProtocol&) {};
      p.on_read_lost = [](ScriptedProtocol&) {};
    }
  };
  auto port = connect_pairs(2);
  const std::string endpoint = port->description();
  reactor.call_soon([&] {
    asked = reactor.now();
    reactor.shutdown(grace);
  });
  reactor.run();
  const TimePoint ended = reactor.now();

  const ConnectionHistory& polite = *server.histories[0];
  const ConnectionHistory& stubborn = *server.histories[1];
  EXPECT_THAT(polite.callbacks(), ElementsAre("made", "stop", "lost"));
  EXPECT_TRUE(polite.lost->is(errc::connection_done)) << polite.lost->what();
  EXPECT_LT(polite_closed - asked, grace) << "the polite connection waited for the grace period";
  EXPECT_THAT(stubborn.callbacks(), ElementsAre("made", "stop", "read_lost", "lost"));
  EXPECT_TRUE(stubborn.lost->is(errc::connection_aborted)) << stubborn.lost->what();
  EXPECT_GE(ended - asked, grace);
  for (const auto& history : client.histories) {
    EXPECT_THAT(history->callbacks(), ElementsAre("made", "stop", "lost"));
  }
  EXPECT_EQ(reactor.open_connections(), 0u);

  // The port no longer listens.
  auto refused = reactor.connect(endpoint, late);
  ASSERT_TRUE(wait_for(
      reactor, [&] { return !late.failures.empty(); }, "the refusal"));
  EXPECT_TRUE(late.failures[0].is(std::errc::connection_refused)) << late.failures[0].what();
}

TEST_F(LiveReactorTest, ShutdownWithNothingOpenStopsAtOnce) {
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
  const TimePoint asked = reactor.now();
  reactor.shutdown(std::chrono::seconds(30));
  reactor.run();
  EXPECT_LT(reactor.now() - asked, std::chrono::seconds(30));
  EXPECT_EQ(server.stopped, 1) << "the port stopped listening";
}

// ---- run_until and teardown

TEST_F(LiveReactorTest, RunUntilGivesUpAfterTheTimeout) {
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(reactor.run_until([] { return false; }, milliseconds(50)));
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(50));
  EXPECT_TRUE(reactor.run_until([] { return true; }, milliseconds(50)));
}

TEST(LiveReactorTeardown, DestroyingTheReactorEndsOpenConnections) {
  ScriptedFactory server;
  ScriptedFactory client;
  {
    LiveReactor reactor;
    auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
    auto connector = reactor.connect(port->description(), client);
    ASSERT_TRUE(reactor.run_until([&] { return server.made() == 1 && client.made() == 1; },
                                  testing::live_bound));
    DelayedCall pending = reactor.call_later(std::chrono::hours(1), [] {});
    reactor.call_soon([] { FAIL() << "a queued call ran during teardown"; });
  }
  ASSERT_TRUE(server.first()->has_lost());
  EXPECT_TRUE(server.first()->lost->is(errc::connection_aborted));
  ASSERT_TRUE(client.first()->has_lost());
  EXPECT_TRUE(client.first()->lost->is(errc::connection_aborted));
  EXPECT_EQ(client.client_lost.size(), 1u);
  EXPECT_EQ(server.stopped, 1);
}

TEST(LiveReactorTeardown, ConnectionsEndedByTeardownStillReachTheirThreadPool) {
  // A protocol holds on to its context's pool (an upload's writer does, to clean up) and
  // hands it work when the teardown ends its connection: the pool must still be the same
  // live object then. (Under ASan a freed pool is a use-after-free report.)
  ScriptedFactory server;
  ScriptedFactory client;
  ThreadPool* pool_at_start = nullptr;
  ThreadPool* pool_at_end = nullptr;
  server.configure = [&](ScriptedProtocol& p) {
    p.on_made = [&](ScriptedProtocol& p) {
      pool_at_start = &p.transport()->context().thread_pool();
    };
    p.on_lost = [&](ScriptedProtocol& p, const Failure&) {
      pool_at_end = &p.transport()->context().thread_pool();
      pool_at_start->submit(
          "cleanup", [] {}, [] {});
    };
  };
  {
    LiveReactor reactor;
    auto port = reactor.listen("tcp:0:interface=127.0.0.1", server);
    auto connector = reactor.connect(port->description(), client);
    ASSERT_TRUE(reactor.run_until([&] { return server.made() == 1 && client.made() == 1; },
                                  testing::live_bound));
  }
  ASSERT_TRUE(server.first()->has_lost());
  EXPECT_NE(pool_at_start, nullptr);
  EXPECT_EQ(pool_at_end, pool_at_start);
}

}  // namespace
}  // namespace kit::live
