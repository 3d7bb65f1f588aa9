// The echo server and the hello client, together on loopback.
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>

#include "examples/echo/hello_client.h"
#include "fakes/string_transport.h"
#include "kit/client_factory.h"
#include "kit/factory.h"
#include "kit/live/live_reactor.h"
#include "protocols/echo/echo_protocol.h"

namespace examples {
namespace {

using namespace std::chrono_literals;

TEST(HelloClient, PrintsTheAnswerOnceAllOfItCameAndCloses) {
  std::ostringstream out;
  kit::fakes::StringTransport transport;
  HelloClient client(out);
  transport.connect(client);
  EXPECT_EQ(transport.take(), "hello");
  transport.receive("hel");
  EXPECT_EQ(out.str(), "");
  transport.receive("lo");
  EXPECT_EQ(out.str(), "server said: hello\n");
  EXPECT_TRUE(transport.disconnecting());
}

TEST(EchoExample, ClientGetsHelloBackFromTheLiveServer) {
  kit::live::LiveReactor reactor;
  auto server = kit::factory_for<kit::protocols::EchoProtocol>();
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", *server);

  std::ostringstream out;
  bool done = false;
  kit::FunctionClientFactory client(
      [&](const kit::Address&) { return std::make_unique<HelloClient>(out); });
  client.on_lost = [&](kit::Connector&, const kit::Failure&) { done = true; };
  client.on_failed = [&](kit::Connector&, const kit::Failure&) { done = true; };
  auto connector = reactor.connect("127.0.0.1:" + std::to_string(port->address().port()), client);
  ASSERT_TRUE(reactor.run_until([&] { return done; }, 10s));
  EXPECT_EQ(out.str(), "server said: hello\n");
}

}  // namespace
}  // namespace examples
