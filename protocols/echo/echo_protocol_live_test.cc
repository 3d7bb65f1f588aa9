// EchoProtocol served by the live reactor with the same factory `protokit serve echo`
// uses: real sockets on loopback (IPv4, IPv6, Unix).
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "kit/factory.h"
#include "kit/live/live_reactor.h"
#include "protocols/echo/echo_protocol.h"
#include "testing/live/live_client.h"
#include "testing/live/socket_directory.h"

namespace kit::protocols {
namespace {

using namespace std::chrono_literals;
using kit::testing::endpoint_of;
using kit::testing::LiveClient;

std::string pattern(std::size_t size) {
  std::string data(size, '\0');
  for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  return data;
}

class EchoLive : public ::testing::TestWithParam<const char*> {};

TEST_P(EchoLive, OneMebibyteComesBackIntact) {
  kit::testing::SocketDirectory directory;  // outlives the reactor and its port
  live::LiveReactor reactor;
  auto factory = factory_for<EchoProtocol>();
  std::string endpoint = GetParam();
  if (endpoint == "unix") endpoint = "unix:" + directory.file("echo.sock");
  auto port = reactor.listen(endpoint, *factory);
  const std::string data = pattern(1 << 20);
  LiveClient client(reactor, endpoint_of(*port), data, {.half_close = true});
  ASSERT_TRUE(client.wait_closed(30s));
  EXPECT_TRUE(client.reason()->is(errc::connection_done)) << client.reason()->what();
  ASSERT_EQ(client.received().size(), data.size());
  EXPECT_TRUE(client.received() == data) << "the echoed bytes differ";
}

INSTANTIATE_TEST_SUITE_P(Families, EchoLive,
                         ::testing::Values("tcp:0:interface=127.0.0.1", "tcp:0:interface=::1",
                                           "unix"));

TEST(EchoLive, HundredConcurrentClientsEachGetTheirOwnBytes) {
  live::LiveReactor reactor;
  auto factory = factory_for<EchoProtocol>();
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", *factory);
  std::vector<std::unique_ptr<LiveClient>> clients;
  for (int i = 0; i < 100; ++i) {
    clients.push_back(std::make_unique<LiveClient>(
        reactor, endpoint_of(*port), "client " + std::to_string(i) + " " + pattern(5000),
        LiveClient::Options{.half_close = true}));
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
    EXPECT_EQ(clients[i]->received(), "client " + std::to_string(i) + " " + pattern(5000));
  }
}

}  // namespace
}  // namespace kit::protocols
