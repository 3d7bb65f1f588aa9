#include "kit/factory.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "kit/address.h"
#include "kit/client_factory.h"
#include "kit/connector.h"
#include "kit/failure.h"
#include "kit/protocol.h"

namespace kit {
namespace {

class CountingFactory : public Factory {
 public:
  std::unique_ptr<Protocol> build_protocol(const Address&) override { return nullptr; }
  void start_factory() override { ++starts; }
  void stop_factory() override { ++stops; }
  int starts = 0;
  int stops = 0;
};

class Greeter : public Protocol {
 public:
  Greeter(std::string greeting, int id) : greeting(std::move(greeting)), id(id) {}
  std::string greeting;
  int id;
};

class IdleConnector : public Connector {
 public:
  void connect() override {}
  void stop_connecting() override {}
  void disconnect() override {}
  State state() const override { return State::disconnected; }
  const Endpoint& destination() const override { return endpoint_; }

 private:
  Endpoint endpoint_;
};

TEST(Factory, StartFactoryRunsOnTheFirstDoStartAndStopFactoryOnTheLastDoStop) {
  CountingFactory factory;
  factory.do_start();
  factory.do_start();
  EXPECT_EQ(factory.starts, 1);
  factory.do_stop();
  EXPECT_EQ(factory.stops, 0) << "one user is left";
  factory.do_stop();
  EXPECT_EQ(factory.stops, 1);
}

TEST(Factory, StartsAgainAfterItStopped) {
  CountingFactory factory;
  factory.do_start();
  factory.do_stop();
  factory.do_start();
  factory.do_stop();
  EXPECT_EQ(factory.starts, 2);
  EXPECT_EQ(factory.stops, 2);
}

TEST(Factory, DoStopWithoutDoStartIsAProgrammingError) {
  CountingFactory factory;
  // Debug builds assert; release builds ignore the stray call.
  EXPECT_DEBUG_DEATH(factory.do_stop(), "do_stop without do_start");
  EXPECT_EQ(factory.stops, 0);
}

TEST(FunctionFactory, BuildsThroughTheFunctionWithThePeer) {
  std::vector<Address> peers;
  FunctionFactory factory([&](const Address& peer) -> std::unique_ptr<Protocol> {
    peers.push_back(peer);
    return std::make_unique<Protocol>();
  });
  EXPECT_NE(factory.build_protocol(Address::tcp("10.0.0.7", 4000)), nullptr);
  EXPECT_EQ(peers, std::vector<Address>{Address::tcp("10.0.0.7", 4000)});
}

TEST(FunctionFactory, MayRefuseAConnection) {
  FunctionFactory factory([](const Address& peer) -> std::unique_ptr<Protocol> {
    if (peer.host() == "10.6.6.6") return nullptr;
    return std::make_unique<Protocol>();
  });
  EXPECT_EQ(factory.build_protocol(Address::tcp("10.6.6.6", 1)), nullptr);
  EXPECT_NE(factory.build_protocol(Address::tcp("10.0.0.1", 1)), nullptr);
}

TEST(FactoryFor, BuildsAFreshProtocolFromTheSameArgumentsEachTime) {
  std::string greeting = "hello";
  std::unique_ptr<Factory> factory = factory_for<Greeter>(greeting, 7);
  greeting = "changed";  // the arguments were copied
  std::unique_ptr<Protocol> first = factory->build_protocol(Address::memory("a"));
  std::unique_ptr<Protocol> second = factory->build_protocol(Address::memory("b"));
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_NE(first.get(), second.get());
  auto* greeter = dynamic_cast<Greeter*>(first.get());
  ASSERT_NE(greeter, nullptr);
  EXPECT_EQ(greeter->greeting, "hello");
  EXPECT_EQ(greeter->id, 7);
}

TEST(FunctionClientFactory, CallsTheCallbacksThatAreSetAndIgnoresTheOthers) {
  FunctionClientFactory factory([](const Address&) { return std::make_unique<Protocol>(); });
  IdleConnector connector;
  factory.client_connection_failed(connector, Failure(errc::timed_out));  // none set: no-op

  std::vector<std::string> heard;
  factory.on_failed = [&](Connector& c, const Failure& reason) {
    EXPECT_EQ(&c, &connector);
    heard.push_back("failed: " + reason.what());
  };
  factory.on_lost = [&](Connector&, const Failure& reason) {
    heard.push_back("lost: " + reason.what());
  };
  factory.client_connection_failed(connector, Failure(errc::timed_out, "connecting to x"));
  factory.client_connection_lost(connector, Failure(errc::connection_done));
  ASSERT_EQ(heard.size(), 2u);
  EXPECT_EQ(heard[0].rfind("failed: connecting to x", 0), 0u) << heard[0];
  EXPECT_EQ(heard[1].rfind("lost: ", 0), 0u) << heard[1];
  EXPECT_NE(factory.build_protocol(Address::memory("server")), nullptr);
}

}  // namespace
}  // namespace kit
