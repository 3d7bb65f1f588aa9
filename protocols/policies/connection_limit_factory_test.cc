#include "protocols/policies/connection_limit_factory.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "fakes/string_transport.h"
#include "kit/factory.h"
#include "protocols/echo/echo_protocol.h"

namespace kit::protocols {
namespace {

class ConnectionLimitFactoryTest : public ::testing::Test {
 protected:
  std::unique_ptr<Protocol> build() {
    return factory_.build_protocol(Address::tcp("192.0.2.1", 1));
  }

  std::unique_ptr<Factory> echoes_ = factory_for<EchoProtocol>();
  ConnectionLimitFactory factory_{*echoes_, 2};
};

TEST_F(ConnectionLimitFactoryTest, RefusesConnectionsBeyondTheLimit) {
  std::unique_ptr<Protocol> a = build();
  std::unique_ptr<Protocol> b = build();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(build(), nullptr);
  EXPECT_EQ(factory_.refused(), 1u);
  EXPECT_EQ(factory_.open_connections(), 2u);
}

TEST_F(ConnectionLimitFactoryTest, AcceptsAgainOnceOneIsLost) {
  std::unique_ptr<Protocol> a = build();
  std::unique_ptr<Protocol> b = build();
  fakes::StringTransport transport;
  transport.connect(*a);
  transport.receive("still echoes");
  EXPECT_EQ(transport.value(), "still echoes");
  EXPECT_EQ(build(), nullptr);

  transport.lose_from_peer();
  std::unique_ptr<Protocol> c = build();
  EXPECT_NE(c, nullptr);
  EXPECT_EQ(build(), nullptr);
  EXPECT_EQ(factory_.refused(), 2u);
}

TEST_F(ConnectionLimitFactoryTest, AProtocolDestroyedUnconnectedFreesItsPlace) {
  build();  // built, then dropped without a connection (say, the accept failed)
  build();
  EXPECT_EQ(factory_.open_connections(), 0u);
  EXPECT_NE(build(), nullptr);
}

TEST_F(ConnectionLimitFactoryTest, ManyConnectionsComeAndGo) {
  std::vector<std::unique_ptr<Protocol>> open;
  for (int round = 0; round < 100; ++round) {
    open.push_back(build());
    open.push_back(build());
    ASSERT_NE(open[0], nullptr);
    ASSERT_NE(open[1], nullptr);
    EXPECT_EQ(build(), nullptr);
    open.clear();
  }
  EXPECT_EQ(factory_.open_connections(), 0u);
  EXPECT_EQ(factory_.refused(), 100u);
}

TEST(ConnectionLimitFactory, ZeroRefusesEverything) {
  std::unique_ptr<Factory> echoes = factory_for<EchoProtocol>();
  ConnectionLimitFactory factory(*echoes, 0);
  EXPECT_EQ(factory.build_protocol(Address::tcp("192.0.2.1", 1)), nullptr);
}

}  // namespace
}  // namespace kit::protocols
