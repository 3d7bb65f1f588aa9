#include "kit/log_limiter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "fakes/fake_clock.h"
#include "testing/log_capture.h"

namespace kit {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace std::chrono_literals;

class LogLimiterTest : public ::testing::Test {
 protected:
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    for (const auto& entry : log_.entries()) out.push_back(entry.message);
    return out;
  }

  testing::LogCapture log_;
  fakes::FakeClock clock_;
  LogLimiter limiter_{clock_, 1s};
};

TEST_F(LogLimiterTest, TheFirstMessageOfAKindGoesOutAtOnce) {
  limiter_.log(LogLevel::warning, "refused", "one");
  ASSERT_EQ(log_.entries().size(), 1u);
  EXPECT_EQ(log_.entries()[0].level, LogLevel::warning);
  EXPECT_EQ(log_.entries()[0].message, "one");
}

TEST_F(LogLimiterTest, ARepeatInsideTheIntervalIsHeldBackThenLoggedWithTheCount) {
  for (int i = 1; i <= 5; ++i) limiter_.log(LogLevel::warning, "refused", "n" + std::to_string(i));
  EXPECT_THAT(lines(), ElementsAre("n1"));
  EXPECT_EQ(limiter_.suppressed("refused"), 4u);
  clock_.advance(999ms);
  EXPECT_THAT(lines(), ElementsAre("n1"));
  clock_.advance(1ms);
  // The latest held back, with the three others it stands for.
  EXPECT_THAT(lines(), ElementsAre("n1", "n5 (3 similar messages suppressed)"));
  EXPECT_EQ(limiter_.suppressed("refused"), 0u);
}

TEST_F(LogLimiterTest, OneHeldBackIsLoggedLateWithoutACount) {
  limiter_.log(LogLevel::info, "k", "a");
  limiter_.log(LogLevel::info, "k", "b");
  clock_.advance(1s);
  EXPECT_THAT(lines(), ElementsAre("a", "b"));
}

TEST_F(LogLimiterTest, AfterAQuietPeriodTheNextMessageGoesOutAtOnce) {
  limiter_.log(LogLevel::info, "k", "a");
  clock_.advance(1s);
  limiter_.log(LogLevel::info, "k", "b");
  clock_.advance(5s);
  limiter_.log(LogLevel::info, "k", "c");
  EXPECT_THAT(lines(), ElementsAre("a", "b", "c"));
}

TEST_F(LogLimiterTest, KindsAreLimitedApart) {
  limiter_.log(LogLevel::info, "refused", "r1");
  limiter_.log(LogLevel::warning, "accept paused", "p1");
  limiter_.log(LogLevel::info, "refused", "r2");
  limiter_.log(LogLevel::warning, "accept paused", "p2");
  EXPECT_THAT(lines(), ElementsAre("r1", "p1"));
  EXPECT_EQ(limiter_.suppressed("refused"), 1u);
  EXPECT_EQ(limiter_.suppressed("accept paused"), 1u);
  EXPECT_EQ(limiter_.suppressed("never seen"), 0u);
}

TEST_F(LogLimiterTest, ASteadyStreamMakesOneLinePerInterval) {
  // 10,000 messages, one every millisecond for ten seconds.
  for (int i = 0; i < 10'000; ++i) {
    limiter_.log(LogLevel::info, "k", "m");
    clock_.advance(1ms);
  }
  clock_.advance(10s);
  const auto logged = lines();
  EXPECT_GE(logged.size(), 10u);
  EXPECT_LE(logged.size(), 11u);
  // Every message is either logged or counted in a line.
  std::uint64_t accounted = 0;
  for (const std::string& line : logged) {
    accounted += 1;
    auto open = line.find(" (");
    if (open != std::string::npos) accounted += std::stoull(line.substr(open + 2));
  }
  EXPECT_EQ(accounted, 10'000u);
}

TEST_F(LogLimiterTest, DestroyingItLogsWhatIsHeldBack) {
  {
    LogLimiter limiter(clock_, 1s);
    limiter.log(LogLevel::info, "k", "a");
    limiter.log(LogLevel::info, "k", "b");
    limiter.log(LogLevel::info, "k", "c");
  }
  EXPECT_THAT(lines(), ElementsAre("a", "c (1 similar message suppressed)"));
  clock_.advance(2s);  // nothing is left scheduled
  EXPECT_EQ(lines().size(), 2u);
  EXPECT_EQ(clock_.pending(), 0u);
}

TEST(LogLimiter, ANonPositiveIntervalIsRefused) {
  fakes::FakeClock clock;
  EXPECT_THROW(LogLimiter(clock, 0s), std::invalid_argument);
  EXPECT_THROW(LogLimiter(clock, -1s), std::invalid_argument);
}

TEST(LogLimiter, NothingHeldBackLeavesNothingScheduled) {
  testing::LogCapture log;
  fakes::FakeClock clock;
  LogLimiter limiter(clock);
  limiter.log(LogLevel::info, "k", "only");
  EXPECT_EQ(clock.pending(), 0u);
  EXPECT_THAT(log.warnings(), IsEmpty());
}

}  // namespace
}  // namespace kit
