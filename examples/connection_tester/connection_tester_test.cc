// The connection tester and the port scanner, live on loopback, against ports this test
// opens (in a network namespace of its own, so fixed ports cannot clash).
#include "examples/connection_tester/connection_tester.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <vector>

#include "kit/factory.h"
#include "kit/live/live_reactor.h"
#include "testing/deferred_assertions.h"

namespace examples {
namespace {

using kit::testing::failure_result_of;
using kit::testing::success_result_of;
using ::testing::ElementsAre;
using namespace std::chrono_literals;

class Quiet : public kit::Protocol {};

// A port nobody listens on: one that was just free.
std::uint16_t closed_port(kit::live::LiveReactor& reactor) {
  auto factory = kit::factory_for<Quiet>();
  return reactor.listen("tcp:0:interface=127.0.0.1", *factory)->address().port();
}

TEST(ConnectionTester, SucceedsOnAnOpenPortBothWays) {
  kit::live::LiveReactor reactor;
  auto factory = kit::factory_for<Quiet>();
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", *factory);
  kit::Deferred<void> callbacks = test_connect(reactor, "127.0.0.1", port->address().port());
  kit::Deferred<void> coroutine =
      test_connect_coroutine(reactor, "127.0.0.1", port->address().port());
  ASSERT_TRUE(
      reactor.run_until([&] { return callbacks.has_result() && coroutine.has_result(); }, 10s));
  success_result_of(callbacks);
  success_result_of(coroutine);
}

TEST(ConnectionTester, FailsWithTheReasonOnAClosedPortBothWays) {
  kit::live::LiveReactor reactor;
  const std::uint16_t port = closed_port(reactor);
  kit::Deferred<void> callbacks = test_connect(reactor, "127.0.0.1", port);
  kit::Deferred<void> coroutine = test_connect_coroutine(reactor, "127.0.0.1", port);
  ASSERT_TRUE(
      reactor.run_until([&] { return callbacks.has_result() && coroutine.has_result(); }, 10s));
  EXPECT_TRUE(failure_result_of(callbacks).is(std::errc::connection_refused));
  EXPECT_TRUE(failure_result_of(coroutine).is(std::errc::connection_refused));
}

TEST(PortScanner, FindsExactlyThePortsThatListen) {
  kit::live::LiveReactor reactor;
  auto factory = kit::factory_for<Quiet>();
  auto a = reactor.listen("tcp:40001:interface=127.0.0.1", *factory);
  auto b = reactor.listen("tcp:40003:interface=127.0.0.1", *factory);
  auto open = scan_ports(reactor, "127.0.0.1", 40000, 40010, /*in_flight=*/3);
  ASSERT_TRUE(reactor.run_until([&] { return open.has_result(); }, 10s));
  EXPECT_THAT(success_result_of(open), ElementsAre(40001, 40003));
}

}  // namespace
}  // namespace examples
