#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "examples/daytime/daytime_protocol.h"
#include "fakes/string_transport.h"
#include "kit/factory.h"
#include "kit/live/live_reactor.h"
#include "testing/live/live_client.h"
#include "testing/log_capture.h"

namespace examples {
namespace {

using ::testing::ElementsAre;
using namespace std::chrono_literals;

std::string fixed_time() { return "Monday, November 23, 2026 18:00:00 UTC"; }

TEST(Daytime, WritesTheTimeClosesAndLogsTheClient) {
  kit::testing::LogCapture log;
  kit::fakes::StringTransport transport;
  DaytimeProtocol protocol(fixed_time);
  transport.connect(protocol);
  EXPECT_EQ(transport.value(), "Monday, November 23, 2026 18:00:00 UTC\r\n");
  EXPECT_TRUE(transport.disconnecting());
  ASSERT_EQ(log.entries().size(), 1u);
  EXPECT_EQ(log.entries()[0].message, "daytime: client tcp:192.168.1.1:54321");
}

TEST(Daytime, ServesLiveAndLogsEachClient) {
  kit::testing::LogCapture log;
  kit::live::LiveReactor reactor;
  kit::FunctionFactory factory(
      [](const kit::Address&) { return std::make_unique<DaytimeProtocol>(fixed_time); });
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", factory);
  kit::testing::LiveClient first(reactor, kit::testing::endpoint_of(*port), "");
  kit::testing::LiveClient second(reactor, kit::testing::endpoint_of(*port), "");
  ASSERT_TRUE(first.wait_closed(10s));
  ASSERT_TRUE(second.wait_closed(10s));
  EXPECT_EQ(first.received(), fixed_time() + "\r\n");
  EXPECT_EQ(second.received(), fixed_time() + "\r\n");
  std::vector<std::string> infos;
  for (const auto& entry : log.entries()) {
    if (entry.level == kit::LogLevel::info) infos.push_back(entry.message.substr(0, 30));
  }
  EXPECT_THAT(infos,
              ElementsAre("daytime: client tcp:127.0.0.1:", "daytime: client tcp:127.0.0.1:"));
}

}  // namespace
}  // namespace examples
