#include "examples/quick_disconnect/quick_disconnect.h"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>

#include "kit/factory.h"
#include "kit/live/live_reactor.h"

namespace examples {
namespace {

using namespace std::chrono_literals;

class Silent : public kit::Protocol {};

TEST(QuickDisconnect, ReportsConnectionLostAfterConnecting) {
  kit::live::LiveReactor reactor;
  auto server = kit::factory_for<Silent>();
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", *server);
  std::ostringstream out;
  bool done = false;
  ReportingFactory factory(out, [&] { done = true; });
  auto connector = reactor.connect("127.0.0.1:" + std::to_string(port->address().port()), factory);
  ASSERT_TRUE(reactor.run_until([&] { return done; }, 10s));
  EXPECT_EQ(out.str(), "client_connection_lost: connection closed cleanly\n");
  EXPECT_FALSE(factory.failed());
}

TEST(QuickDisconnect, ReportsConnectionFailedWhenNothingListens) {
  kit::live::LiveReactor reactor;
  std::uint16_t closed_port = 0;
  {
    // A port that was just free: bind it, note it, close it.
    auto server = kit::factory_for<Silent>();
    auto port = reactor.listen("tcp:0:interface=127.0.0.1", *server);
    closed_port = port->address().port();
  }
  std::ostringstream out;
  bool done = false;
  ReportingFactory factory(out, [&] { done = true; });
  auto connector = reactor.connect("127.0.0.1:" + std::to_string(closed_port), factory);
  ASSERT_TRUE(reactor.run_until([&] { return done; }, 10s));
  EXPECT_TRUE(factory.failed());
  EXPECT_EQ(out.str().rfind("client_connection_failed: ", 0), 0u) << out.str();
  EXPECT_NE(out.str().find("refused"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace examples
