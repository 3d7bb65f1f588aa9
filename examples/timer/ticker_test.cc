#include "examples/timer/ticker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>

#include "fakes/fake_clock.h"

namespace examples {
namespace {

using namespace std::chrono_literals;

TEST(Ticker, PrintsFiveTimesASecondApartAndStops) {
  kit::fakes::FakeClock clock;
  std::ostringstream out;
  bool done = false;
  Ticker ticker(clock, out, 5, [&] { done = true; });
  ticker.start(1s);
  EXPECT_EQ(out.str(), "tick 1 at 0.000 s\n");
  clock.advance(3s);
  EXPECT_FALSE(done);
  clock.advance(1s);
  EXPECT_TRUE(done);
  EXPECT_EQ(out.str(),
            "tick 1 at 0.000 s\ntick 2 at 1.000 s\ntick 3 at 2.000 s\n"
            "tick 4 at 3.000 s\ntick 5 at 4.000 s\n");
  clock.advance(10s);
  EXPECT_EQ(clock.pending(), 0u) << "no tick after the fifth";
}

}  // namespace
}  // namespace examples
