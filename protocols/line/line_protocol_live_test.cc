// LineProtocol served by the live reactor with the factories `protokit serve line` uses:
// quit, many clients, the idle timeout, and a graceful stop with connections open.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "kit/factory.h"
#include "kit/live/live_reactor.h"
#include "protocols/line/line_protocol.h"
#include "protocols/policies/idle_timeout_factory.h"
#include "testing/live/live_client.h"

namespace kit::protocols {
namespace {

using namespace std::chrono_literals;
using kit::testing::endpoint_of;
using kit::testing::LiveClient;

TEST(LineLive, AnswersEachLineAndQuitSaysGoodbyeAndCloses) {
  live::LiveReactor reactor;
  auto factory = factory_for<LineProtocol>(std::size_t{16384});
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", *factory);
  LiveClient client(reactor, endpoint_of(*port), "hello\r\nworld\nquit\nnever answered\n");
  ASSERT_TRUE(client.wait_closed(10s));
  EXPECT_EQ(client.received(), "You said: hello\r\nYou said: world\r\nGoodbye.\r\n");
  EXPECT_TRUE(client.reason()->is(errc::connection_done));
}

TEST(LineLive, HundredConcurrentClients) {
  live::LiveReactor reactor;
  auto factory = factory_for<LineProtocol>(std::size_t{16384});
  auto port = reactor.listen("tcp:0:interface=::1", *factory);
  std::vector<std::unique_ptr<LiveClient>> clients;
  for (int i = 0; i < 100; ++i) {
    clients.push_back(std::make_unique<LiveClient>(reactor, endpoint_of(*port),
                                                   "line " + std::to_string(i) + "\nquit\n"));
  }
  ASSERT_TRUE(reactor.run_until(
      [&] {
        for (auto& c : clients) {
          if (!c->ended()) return false;
        }
        return true;
      },
      30s));
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(clients[i]->received(), "You said: line " + std::to_string(i) + "\r\nGoodbye.\r\n");
  }
}

TEST(LineLive, IdleConnectionIsClosedByTheTimeout) {
  live::LiveReactor reactor;
  auto lines = factory_for<LineProtocol>(std::size_t{16384});
  IdleTimeoutFactory idle(*lines, 200ms);
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", idle);
  LiveClient client(reactor, endpoint_of(*port), "hi\n");
  ASSERT_TRUE(client.wait_closed(10s)) << "the idle connection was never closed";
  EXPECT_EQ(client.received(), "You said: hi\r\n");
}

TEST(LineLive, GracefulStopClosesOpenConnectionsCleanlyAndReturns) {
  live::LiveReactor reactor;
  auto factory = factory_for<LineProtocol>(std::size_t{16384});
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", *factory);
  LiveClient first(reactor, endpoint_of(*port), "one\n");
  LiveClient second(reactor, endpoint_of(*port), "two\n");
  ASSERT_TRUE(first.wait_received(15, 10s));
  ASSERT_TRUE(second.wait_received(15, 10s));
  reactor.call_soon([&] { reactor.shutdown(5s); });
  reactor.run();  // returns once the shutdown is complete
  EXPECT_TRUE(first.ended());
  EXPECT_TRUE(second.ended());
  EXPECT_TRUE(first.reason()->is(errc::connection_done)) << first.reason()->what();
  EXPECT_EQ(first.received(), "You said: one\r\n");
  EXPECT_EQ(reactor.open_connections(), 0u);
}

}  // namespace
}  // namespace kit::protocols
