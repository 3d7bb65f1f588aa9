#include "examples/protokit/option_values.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>

namespace protokit_cli {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

TEST(ParseSeconds, DecimalSecondsBecomeDurations) {
  EXPECT_EQ(parse_seconds("10", max_grace_seconds), 10s);
  EXPECT_EQ(parse_seconds("0.25", max_grace_seconds), 250ms);
  EXPECT_EQ(parse_seconds("0", max_grace_seconds), 0s);
  EXPECT_EQ(parse_seconds("1e3", max_grace_seconds), 1000s);
  EXPECT_EQ(parse_seconds("86400", max_grace_seconds), 86400s);
  EXPECT_EQ(parse_seconds("31536000", max_idle_timeout_seconds), 31536000s);
}

TEST(ParseSeconds, APositiveValueNeverRoundsToZero) {
  EXPECT_EQ(parse_seconds("1e-12", max_grace_seconds), 1ns);
}

TEST(ParseSeconds, RefusesWhatIsNotAFiniteNumberInRange) {
  for (const char* text :
       {"nan",   "NaN",       "inf", "-inf", "infinity", "-1", "-0", "-0.5", "1e10", "1e300",
        "1e400", "86400.001", "",    " 1",   "1 ",       "+1", "1s", "0x10", "ten",  "1,5"}) {
    try {
      parse_seconds(text, max_grace_seconds);
      ADD_FAILURE() << "'" << text << "' was accepted";
    } catch (const OptionValueError& e) {
      EXPECT_THAT(e.what(), HasSubstr(std::string("'") + text + "'"));
      EXPECT_THAT(e.what(), HasSubstr("from 0 to 86400"));
    }
  }
}

TEST(ParseCount, DigitsInRange) {
  EXPECT_EQ(parse_count("1", 1, 10), 1u);
  EXPECT_EQ(parse_count("10", 1, 10), 10u);
  EXPECT_EQ(parse_count("007", 1, 10), 7u);
  const std::uint64_t top = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(parse_count("18446744073709551615", 1, top), top);
}

TEST(ParseCount, RefusesOutOfRangeAndNonNumbers) {
  const std::uint64_t top = std::numeric_limits<std::uint64_t>::max();
  for (const char* text : {"0", "-1", "-0", "+1", "18446744073709551616", "99999999999999999999999",
                           "", " 1", "1.5", "1e3", "nan", "ten"}) {
    try {
      parse_count(text, 1, top);
      ADD_FAILURE() << "'" << text << "' was accepted";
    } catch (const OptionValueError& e) {
      EXPECT_THAT(e.what(), HasSubstr(std::string("'") + text + "'"));
      EXPECT_THAT(e.what(), HasSubstr("from 1 to 18446744073709551615"));
    }
  }
  EXPECT_THROW(parse_count("11", 1, 10), OptionValueError);
}

}  // namespace
}  // namespace protokit_cli
