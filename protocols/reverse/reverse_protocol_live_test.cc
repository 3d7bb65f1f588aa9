// ReverseProtocol served by the live reactor with the factory `protokit serve reverse`
// uses.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "kit/factory.h"
#include "kit/live/live_reactor.h"
#include "protocols/reverse/reverse_protocol.h"
#include "testing/live/live_client.h"

namespace kit::protocols {
namespace {

using namespace std::chrono_literals;
using kit::testing::endpoint_of;
using kit::testing::LiveClient;

TEST(ReverseLive, ReversesLinesAndQuitCloses) {
  live::LiveReactor reactor;
  auto factory = factory_for<ReverseProtocol>(std::size_t{16384});
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", *factory);
  LiveClient client(reactor, endpoint_of(*port), "abc\r\nhello world\nquit\nignored\n");
  ASSERT_TRUE(client.wait_closed(10s));
  EXPECT_EQ(client.received(), "cba\r\ndlrow olleh\r\n");
  EXPECT_TRUE(client.reason()->is(errc::connection_done));
}

TEST(ReverseLive, TooLongLineIsAnsweredAndClosedWithoutWaitingForLf) {
  live::LiveReactor reactor;
  auto factory = factory_for<ReverseProtocol>(std::size_t{8});
  auto port = reactor.listen("tcp:0:interface=::1", *factory);
  LiveClient client(reactor, endpoint_of(*port), "123456789");  // no LF ever comes
  ASSERT_TRUE(client.wait_closed(10s));
  EXPECT_EQ(client.received(), "error: line too long\r\n");
}

}  // namespace
}  // namespace kit::protocols
