// kit::connect on MemoryReactor: the connection attempt is settled by hand.
#include "kit/connect.h"

#include <gtest/gtest.h>

#include <memory>

#include "fakes/memory_reactor.h"
#include "kit/client_factory.h"
#include "testing/deferred_assertions.h"

namespace kit {
namespace {

using testing::assert_no_result;
using testing::failure_result_of;
using testing::success_result_of;

class Greeter : public Protocol {
 public:
  void connection_made() override { transport()->write("hi"); }
  bool made() const { return transport() != nullptr; }
};

TEST(Connect, FiresWithTheProtocolOnceConnectionMadeRan) {
  fakes::MemoryReactor reactor;
  FunctionClientFactory factory([](const Address&) { return std::make_unique<Greeter>(); });
  Deferred<Greeter*> connected = connect<Greeter>(reactor, "tcp:example.com:80", factory);
  assert_no_result(connected);
  fakes::StringTransport* transport = reactor.connects().at(0).complete();
  ASSERT_NE(transport, nullptr);
  Greeter* greeter = success_result_of(connected);
  EXPECT_TRUE(greeter->made());
  EXPECT_EQ(transport->value(), "hi");
}

TEST(Connect, FailsWithTheReasonAndTheFactoryStillHearsIt) {
  fakes::MemoryReactor reactor;
  FunctionClientFactory factory([](const Address&) { return std::make_unique<Greeter>(); });
  int failed = 0;
  factory.on_failed = [&](Connector&, const Failure&) { ++failed; };
  Deferred<Protocol*> connected = connect(reactor, "tcp:example.com:80", factory);
  reactor.connects().at(0).fail(Failure(std::make_error_code(std::errc::connection_refused)));
  EXPECT_TRUE(failure_result_of(connected).is(std::errc::connection_refused));
  EXPECT_EQ(failed, 1);
}

TEST(Connect, TimesOutOnTheReactorClock) {
  fakes::MemoryReactor reactor;
  FunctionClientFactory factory([](const Address&) { return std::make_unique<Greeter>(); });
  Deferred<Protocol*> connected =
      connect(reactor, "tcp:host=example.com:port=80:timeout=5", factory);
  reactor.clock().advance(std::chrono::seconds(5));
  EXPECT_TRUE(failure_result_of(connected).is(errc::timed_out));
}

TEST(Connect, CancellingStopsTheAttempt) {
  fakes::MemoryReactor reactor;
  FunctionClientFactory factory([](const Address&) { return std::make_unique<Greeter>(); });
  Deferred<Protocol*> connected = connect(reactor, "tcp:example.com:80", factory);
  connected.cancel();
  EXPECT_TRUE(failure_result_of(connected).is(errc::cancelled));
  EXPECT_EQ(reactor.connects().at(0).connector().state(), Connector::State::disconnected);
}

TEST(Connect, KeepsASharedFactoryAliveForTheConnection) {
  fakes::MemoryReactor reactor;
  int lost = 0;
  Deferred<Protocol*> connected;
  {
    auto factory = std::make_shared<FunctionClientFactory>(
        [](const Address&) { return std::make_unique<Greeter>(); });
    factory->on_lost = [&](Connector&, const Failure&) { ++lost; };
    connected = connect(reactor, "tcp:example.com:80", std::move(factory));
  }
  fakes::StringTransport* transport = reactor.connects().at(0).complete();
  success_result_of(connected);
  transport->lose_from_peer(Failure(errc::connection_done));
  EXPECT_EQ(lost, 1) << "the factory was still there to hear the end";
}

TEST(Connect, AProtocolOfAnotherTypeIsAFailure) {
  fakes::MemoryReactor reactor;
  FunctionClientFactory factory([](const Address&) { return std::make_unique<Protocol>(); });
  Deferred<Greeter*> connected = connect<Greeter>(reactor, "tcp:example.com:80", factory);
  reactor.connects().at(0).complete();
  EXPECT_TRUE(failure_result_of(connected).is(errc::exception));
}

}  // namespace
}  // namespace kit
