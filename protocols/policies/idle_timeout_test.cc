#include "protocols/policies/idle_timeout.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>

#include "fakes/fake_clock.h"

namespace kit::protocols {
namespace {

using fakes::seconds;

class IdleTimeoutTest : public ::testing::Test {
 protected:
  fakes::FakeClock clock_;
  int fired_ = 0;
  IdleTimeout idle_{clock_, [this] { ++fired_; }};
};

TEST_F(IdleTimeoutTest, NothingHappensUntilATimeoutIsSet) {
  EXPECT_FALSE(idle_.active());
  EXPECT_EQ(idle_.timeout(), std::nullopt);
  clock_.advance(seconds(1000));
  EXPECT_EQ(fired_, 0);
  EXPECT_EQ(clock_.pending(), 0u);
}

TEST_F(IdleTimeoutTest, FiresOnceAfterTheTimeoutWithNoActivity) {
  idle_.set_timeout(seconds(10));
  clock_.advance(seconds(9.999));
  EXPECT_EQ(fired_, 0);
  clock_.advance(seconds(0.001));
  EXPECT_EQ(fired_, 1);
  EXPECT_FALSE(idle_.active());
  clock_.advance(seconds(100));
  EXPECT_EQ(fired_, 1);
}

TEST_F(IdleTimeoutTest, ActivityStartsTheCountdownAgain) {
  // Twisted's TimeoutMixinTests.test_resetTimeout.
  idle_.set_timeout(seconds(2));
  clock_.advance(seconds(1.5));
  idle_.reset();
  clock_.advance(seconds(1.9));
  EXPECT_EQ(fired_, 0);
  idle_.reset();
  clock_.advance(seconds(1.9));
  EXPECT_EQ(fired_, 0);
  clock_.advance(seconds(0.1));
  EXPECT_EQ(fired_, 1);
}

TEST_F(IdleTimeoutTest, ManyResetsLeaveOneCallPending) {
  idle_.set_timeout(seconds(5));
  for (int i = 0; i < 1000; ++i) {
    clock_.advance(seconds(0.001));
    idle_.reset();
  }
  EXPECT_EQ(clock_.pending(), 1u);
  clock_.advance(seconds(4.999));
  EXPECT_EQ(fired_, 0);
  clock_.advance(seconds(0.001));
  EXPECT_EQ(fired_, 1);
}

TEST_F(IdleTimeoutTest, ResetAfterItFiredDoesNothing) {
  idle_.set_timeout(seconds(1));
  clock_.advance(seconds(1));
  ASSERT_EQ(fired_, 1);
  idle_.reset();
  clock_.advance(seconds(10));
  EXPECT_EQ(fired_, 1);
  EXPECT_EQ(idle_.timeout(), seconds(1));  // still set, just no longer counting
}

TEST_F(IdleTimeoutTest, SetTimeoutReturnsThePreviousOne) {
  // Twisted's test_return.
  EXPECT_EQ(idle_.set_timeout(seconds(5)), std::nullopt);
  EXPECT_EQ(idle_.set_timeout(seconds(10)), seconds(5));
  EXPECT_EQ(idle_.set_timeout(std::nullopt), seconds(10));
  EXPECT_EQ(idle_.set_timeout(std::nullopt), std::nullopt);
}

TEST_F(IdleTimeoutTest, NoTimeoutStopsTheCountdown) {
  // Twisted's test_cancelTimeout.
  idle_.set_timeout(seconds(5));
  idle_.set_timeout(std::nullopt);
  EXPECT_FALSE(idle_.active());
  clock_.advance(seconds(10));
  EXPECT_EQ(fired_, 0);
}

TEST_F(IdleTimeoutTest, ANewTimeoutCountsFromNow) {
  // Twisted's test_modifyTimeout.
  idle_.set_timeout(seconds(5));
  clock_.advance(seconds(4));
  idle_.set_timeout(seconds(2));
  clock_.advance(seconds(1.9));
  EXPECT_EQ(fired_, 0);
  clock_.advance(seconds(0.1));
  EXPECT_EQ(fired_, 1);
}

TEST_F(IdleTimeoutTest, ZeroFiresAtTheNextTurn) {
  idle_.set_timeout(Duration::zero());
  EXPECT_EQ(fired_, 0);
  clock_.advance(Duration::zero());
  EXPECT_EQ(fired_, 1);
}

TEST_F(IdleTimeoutTest, NegativeTimeoutIsRefused) {
  EXPECT_THROW(idle_.set_timeout(seconds(-1)), std::invalid_argument);
  EXPECT_FALSE(idle_.active());
}

TEST_F(IdleTimeoutTest, TheCallbackMayStartAgain) {
  IdleTimeout* self = nullptr;
  int fired = 0;
  IdleTimeout repeating(clock_, [&] {
    if (++fired < 3) self->set_timeout(seconds(1));
  });
  self = &repeating;
  repeating.set_timeout(seconds(1));
  clock_.advance(seconds(10));
  EXPECT_EQ(fired, 3);
}

TEST_F(IdleTimeoutTest, TheCallbackMayDestroyIt) {
  auto owned = std::make_unique<IdleTimeout>(clock_, [&] {});
  int fired = 0;
  owned = std::make_unique<IdleTimeout>(clock_, [&] {
    ++fired;
    owned.reset();
  });
  owned->set_timeout(seconds(1));
  clock_.advance(seconds(1));
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(owned, nullptr);
}

TEST_F(IdleTimeoutTest, DestroyingItCancelsTheCall) {
  {
    IdleTimeout scoped(clock_, [this] { ++fired_; });
    scoped.set_timeout(seconds(1));
    EXPECT_EQ(clock_.pending(), 1u);
  }
  EXPECT_EQ(clock_.pending(), 0u);
  clock_.advance(seconds(2));
  EXPECT_EQ(fired_, 0);
}

}  // namespace
}  // namespace kit::protocols
