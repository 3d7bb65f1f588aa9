// The same NumberedLines, served live on loopback through the Asio reactor.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "examples/line_server/numbered_lines.h"
#include "kit/factory.h"
#include "kit/live/live_reactor.h"
#include "testing/live/live_client.h"

namespace examples {
namespace {

using namespace std::chrono_literals;

TEST(LineServer, ServesNumberedLinesLive) {
  kit::live::LiveReactor reactor;
  auto factory = kit::factory_for<NumberedLines>();
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", *factory);

  kit::testing::LiveClient client(reactor, kit::testing::endpoint_of(*port), "one\ntwo\r\nquit\n");
  ASSERT_TRUE(client.wait_closed(10s));
  EXPECT_EQ(client.received(), "welcome; type quit to leave\r\n1: one\r\n2: two\r\nbye\r\n");
}

}  // namespace
}  // namespace examples
