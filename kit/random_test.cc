#include "kit/random.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>

#include "fakes/fake_random.h"
#include "kit/system_random.h"

namespace kit {
namespace {

TEST(Random, HexIsTwoLowercaseDigitsPerByte) {
  fakes::FakeRandom random;
  random.script(std::string("\x00\x9f\xff\x10", 4));
  EXPECT_EQ(random.hex(4), "009fff10");
  EXPECT_THAT(random.hex(16), ::testing::MatchesRegex("[0-9a-f]{32}"));
}

TEST(Random, NextU64IsLittleEndianOverOneDraw) {
  fakes::FakeRandom random;
  random.script(std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  EXPECT_EQ(random.next_u64(), 0x0807060504030201u);
  EXPECT_EQ(random.draws().size(), 1u);
}

TEST(Random, UniformStaysInRangeAndRedrawsTheBiasedTail) {
  fakes::FakeRandom random;
  // For [0, 2] (range 3) the last value 2^64-1 falls in the biased tail and is drawn again.
  random.script(std::string(8, '\xff'));
  random.script(std::string("\x05\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(random.uniform(0, 2), 5u % 3);
  EXPECT_EQ(random.draws().size(), 2u);
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t v = random.uniform(10, 20);
    ASSERT_GE(v, 10u);
    ASSERT_LE(v, 20u);
  }
  EXPECT_EQ(random.uniform(7, 7), 7u);
  EXPECT_THROW(random.uniform(2, 1), std::invalid_argument);
}

TEST(Random, UniformOverTheWholeRangeTakesOneDraw) {
  fakes::FakeRandom random;
  random.script(std::string(8, '\xff'));
  EXPECT_EQ(random.uniform(0, UINT64_MAX), UINT64_MAX);
}

TEST(SystemRandom, GivesDifferentNoncesEachTime) {
  SystemRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(random.hex(16));
  EXPECT_EQ(seen.size(), 100u);
}

TEST(SystemRandom, FillsLargeBuffersCompletely) {
  SystemRandom random;
  // More than one getrandom() call may be needed; a zero-filled tail would show here.
  const std::string bytes = random.bytes(64 * 1024 * 1024 + 3);
  ASSERT_EQ(bytes.size(), 64u * 1024 * 1024 + 3);
  EXPECT_NE(bytes.substr(bytes.size() - 64), std::string(64, '\0'));
}

}  // namespace
}  // namespace kit
