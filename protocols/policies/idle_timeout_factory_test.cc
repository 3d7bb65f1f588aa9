#include "protocols/policies/idle_timeout_factory.h"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "fakes/fake_clock.h"
#include "fakes/fake_context.h"
#include "fakes/string_transport.h"
#include "kit/factory.h"

namespace kit::protocols {
namespace {

using fakes::seconds;

// Answers "ping" with "pong"; "later" writes "late" from a timer 5 s on, on the clock
// of its connection's context.
class Pinger : public Protocol {
 public:
  void data_received(std::string_view data) override {
    if (data == "ping") transport()->write("pong");
    if (data == "later") {
      call_ = clock().call_later(seconds(5), [this] { transport()->write("late"); });
    }
  }
  void connection_lost(const Failure& reason) override {
    lost = true;
    (void)reason;
  }
  bool lost = false;

 private:
  DelayedCall call_;
};

class IdleTimeoutFactoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    protocol_ = factory_.build_protocol(Address::tcp("192.0.2.1", 1));
    transport_.set_context(context_);
    transport_.connect(*protocol_);
  }

  fakes::FakeContext context_;
  fakes::FakeClock& clock_ = context_.clock();
  FunctionFactory pingers_{[](const Address&) { return std::make_unique<Pinger>(); }};
  IdleTimeoutFactory factory_{pingers_, seconds(10)};
  fakes::StringTransport transport_;
  std::unique_ptr<Protocol> protocol_;
};

TEST_F(IdleTimeoutFactoryTest, ClosesAConnectionIdleForTheTimeout) {
  clock_.advance(seconds(9.9));
  EXPECT_TRUE(transport_.connected());
  clock_.advance(seconds(0.1));
  EXPECT_FALSE(transport_.connected());
  EXPECT_TRUE(transport_.lost_reason()->is(errc::connection_done));
  EXPECT_EQ(factory_.open_connections(), 0u);
}

TEST_F(IdleTimeoutFactoryTest, DataReceivedKeepsItOpen) {
  for (int i = 0; i < 5; ++i) {
    clock_.advance(seconds(9));
    transport_.receive("x");
  }
  EXPECT_TRUE(transport_.connected());
  clock_.advance(seconds(10));
  EXPECT_FALSE(transport_.connected());
}

TEST_F(IdleTimeoutFactoryTest, WritingKeepsItOpen) {
  clock_.advance(seconds(6));
  transport_.receive("later");  // activity at 6 s; the protocol writes at 11 s
  clock_.advance(seconds(9));   // 15 s: idle only since 11 s
  EXPECT_TRUE(transport_.connected());
  EXPECT_EQ(transport_.value(), "late");
  clock_.advance(seconds(6));  // 21 s: idle since 11 s
  EXPECT_FALSE(transport_.connected());
}

TEST_F(IdleTimeoutFactoryTest, PendingWritesAreSentBeforeClosing) {
  transport_.hold_writes(true);  // the peer is slow to read
  transport_.receive("ping");
  clock_.advance(seconds(10));
  EXPECT_TRUE(transport_.disconnecting());
  EXPECT_TRUE(transport_.connected());
  transport_.deliver_held();
  EXPECT_EQ(transport_.value(), "pong");
  EXPECT_FALSE(transport_.connected());
  EXPECT_TRUE(transport_.lost_reason()->is(errc::connection_done));
}

TEST_F(IdleTimeoutFactoryTest, APeerThatNeverReadsIsAbortedOneTimeoutLater) {
  transport_.hold_writes(true);
  transport_.receive("ping");
  clock_.advance(seconds(10));
  EXPECT_TRUE(transport_.connected());  // waiting to send "pong"
  clock_.advance(seconds(9.9));
  EXPECT_TRUE(transport_.connected());
  clock_.advance(seconds(0.1));
  EXPECT_FALSE(transport_.connected());
  EXPECT_TRUE(transport_.lost_reason()->is(errc::connection_aborted));
}

TEST_F(IdleTimeoutFactoryTest, AClosedConnectionLeavesNoTimerBehind) {
  transport_.lose_from_peer();
  EXPECT_EQ(clock_.pending(), 0u);
  clock_.advance(seconds(100));
  EXPECT_EQ(factory_.open_connections(), 0u);
}

TEST(IdleTimeoutFactory, RefusesANonPositiveTimeout) {
  FunctionFactory inner([](const Address&) { return std::make_unique<Protocol>(); });
  EXPECT_THROW(IdleTimeoutFactory(inner, Duration::zero()), std::invalid_argument);
  EXPECT_THROW(IdleTimeoutFactory(inner, seconds(-1)), std::invalid_argument);
}

}  // namespace
}  // namespace kit::protocols
