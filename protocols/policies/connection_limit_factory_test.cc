#include "protocols/policies/connection_limit_factory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fakes/fake_clock.h"
#include "fakes/string_transport.h"
#include "kit/factory.h"
#include "protocols/echo/echo_protocol.h"
#include "testing/log_capture.h"

namespace kit::protocols {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

class ConnectionLimitFactoryTest : public ::testing::Test {
 protected:
  std::unique_ptr<Protocol> build() {
    return factory_.build_protocol(Address::tcp("192.0.2.1", 1));
  }

  testing::LogCapture log_;  // the refusals' warnings
  fakes::FakeClock clock_;
  std::unique_ptr<Factory> echoes_ = factory_for<EchoProtocol>();
  ConnectionLimitFactory factory_{*echoes_, 2, clock_};
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
  testing::LogCapture log;
  fakes::FakeClock clock;
  std::unique_ptr<Factory> echoes = factory_for<EchoProtocol>();
  ConnectionLimitFactory factory(*echoes, 0, clock);
  EXPECT_EQ(factory.build_protocol(Address::tcp("192.0.2.1", 1)), nullptr);
}

TEST_F(ConnectionLimitFactoryTest, ARefusalIsLoggedAsAWarningNamingThePeerAndTheLimit) {
  std::unique_ptr<Protocol> a = build();
  std::unique_ptr<Protocol> b = build();
  EXPECT_EQ(build(), nullptr);
  EXPECT_THAT(log_.warnings(), ElementsAre(HasSubstr("192.0.2.1")));
  EXPECT_THAT(log_.warnings()[0], HasSubstr("2 connections are open"));
}

// The sum of what the lines stand for: each line is one refusal, plus the count it carries.
std::uint64_t refusals_accounted(const std::vector<std::string>& lines) {
  std::uint64_t total = 0;
  for (const std::string& line : lines) {
    total += 1;
    const std::size_t open = line.find(" (");
    if (open != std::string::npos) total += std::stoull(line.substr(open + 2));
  }
  return total;
}

TEST_F(ConnectionLimitFactoryTest, TenThousandRefusalsAtOnceMakeTwoLines) {
  // Two connections held open over StringTransports; then a flood of 10,000 more.
  std::unique_ptr<Protocol> a = build();
  std::unique_ptr<Protocol> b = build();
  fakes::StringTransport ta, tb;
  ta.connect(*a);
  tb.connect(*b);
  for (int i = 0; i < 10'000; ++i) ASSERT_EQ(build(), nullptr);
  EXPECT_EQ(factory_.refused(), 10'000u);
  EXPECT_EQ(log_.warnings().size(), 1u);
  clock_.advance(1s);
  EXPECT_THAT(log_.warnings(),
              ElementsAre(HasSubstr("refused"), HasSubstr("(9998 similar messages suppressed)")));
  EXPECT_EQ(refusals_accounted(log_.warnings()), 10'000u);
}

TEST_F(ConnectionLimitFactoryTest, TenThousandRefusalsOverTenSecondsMakeAboutOneLineASecond) {
  std::unique_ptr<Protocol> a = build();
  std::unique_ptr<Protocol> b = build();
  fakes::StringTransport ta, tb;
  ta.connect(*a);
  tb.connect(*b);
  for (int i = 0; i < 10'000; ++i) {
    ASSERT_EQ(build(), nullptr);
    clock_.advance(1ms);
  }
  clock_.advance(1s);
  const std::vector<std::string> lines = log_.warnings();
  EXPECT_GE(lines.size(), 10u);
  EXPECT_LE(lines.size(), 11u);
  EXPECT_THAT(lines.back(), HasSubstr("similar messages suppressed)"));
  EXPECT_EQ(refusals_accounted(lines), 10'000u);
}

}  // namespace
}  // namespace kit::protocols
