#include "examples/protokit/progress_bar.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fakes/fake_clock.h"

namespace protokit_cli {
namespace {

using namespace std::chrono_literals;
using kit::fakes::FakeClock;

constexpr std::uint64_t KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;

TEST(ShowProgress, FollowsTheTerminalUnlessForced) {
  EXPECT_TRUE(show_progress(std::nullopt, true));
  EXPECT_FALSE(show_progress(std::nullopt, false));
  EXPECT_TRUE(show_progress(true, false));   // --progress
  EXPECT_FALSE(show_progress(false, true));  // --no-progress
}

TEST(FormatBytes, BytesBelowOneKiB) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(1023), "1023 B");
}

TEST(FormatBytes, BinaryUnitsWithThreeSignificantDigits) {
  EXPECT_EQ(format_bytes(KiB), "1.00 KiB");
  EXPECT_EQ(format_bytes(12 * KiB), "12.0 KiB");
  EXPECT_EQ(format_bytes(512 * KiB), "512 KiB");
  EXPECT_EQ(format_bytes(12 * MiB), "12.0 MiB");
  EXPECT_EQ(format_bytes(3 * GiB / 2), "1.50 GiB");
}

TEST(FormatBytes, RoundingNeverGivesAFourthDigitOr1024) {
  EXPECT_EQ(format_bytes(10 * KiB - 1), "10.0 KiB");  // 9.999 KiB
  EXPECT_EQ(format_bytes(100 * KiB - 1), "100 KiB");  // 99.999 KiB
  EXPECT_EQ(format_bytes(MiB - 1), "1.00 MiB");       // 1023.999 KiB
  EXPECT_EQ(format_bytes(UINT64_MAX), "16.0 EiB");
}

TEST(FormatProgress, TheExampleLine) {
  EXPECT_EQ(format_progress("a.bin", 12 * MiB, 24 * MiB, 2s),
            "a.bin  [##########          ]  12.0 MiB / 24.0 MiB  50%  6.00 MiB/s  0:02 left");
}

TEST(FormatProgress, StartAndEnd) {
  EXPECT_EQ(format_progress("a", 0, 100, 0s),
            "a  [                    ]  0 B / 100 B  0%  -- B/s  -:-- left");
  EXPECT_EQ(format_progress("a", 100, 100, 1s),
            "a  [####################]  100 B / 100 B  100%  100 B/s  0:00 left");
}

TEST(FormatProgress, PercentAndBarRoundDownUntilDone) {
  EXPECT_EQ(format_progress("a", 99, 100, 1s),
            "a  [################### ]  99 B / 100 B  99%  99 B/s  0:01 left");
}

TEST(FormatProgress, NothingDoneYetAfterSomeTimeHasNoRate) {
  EXPECT_EQ(format_progress("a", 0, 100, 5s),
            "a  [                    ]  0 B / 100 B  0%  -- B/s  -:-- left");
}

TEST(FormatProgress, ZeroElapsedHasNoRate) {
  EXPECT_EQ(format_progress("a", 50, 100, 0s),
            "a  [##########          ]  50 B / 100 B  50%  -- B/s  -:-- left");
}

TEST(FormatProgress, ZeroTotalIsComplete) {
  EXPECT_EQ(format_progress("empty", 0, 0, 0s),
            "empty  [####################]  0 B / 0 B  100%  -- B/s  0:00 left");
  EXPECT_EQ(format_progress("empty", 0, 0, 1s),
            "empty  [####################]  0 B / 0 B  100%  -- B/s  0:00 left");
}

TEST(FormatProgress, DoneBeyondTotalShowsDoneButCountsAsComplete) {
  EXPECT_EQ(format_progress("a", 150, 100, 1s),
            "a  [####################]  150 B / 100 B  100%  150 B/s  0:00 left");
}

TEST(FormatProgress, TimeLeftInHoursAndBeyond) {
  // 1 B/s, 3661 B to go.
  EXPECT_EQ(format_progress("a", 1, 3662, 1s),
            "a  [                    ]  1 B / 3.58 KiB  0%  1 B/s  1:01:01 left");
  EXPECT_EQ(format_progress("a", 1, 1'000'000, 1s),
            "a  [                    ]  1 B / 977 KiB  0%  1 B/s  >100h left");
}

TEST(FormatProgress, TimeLeftRoundsUp) {
  // 3 B in 1 s, 1 B to go: a third of a second shows as a whole one.
  EXPECT_EQ(format_progress("a", 3, 4, 1s),
            "a  [###############     ]  3 B / 4 B  75%  3 B/s  0:01 left");
}

TEST(FormatProgress, HugeSizesDoNotOverflow) {
  EXPECT_EQ(format_progress("a", UINT64_MAX / 2, UINT64_MAX, 1ns),
            "a  [#########           ]  8.00 EiB / 16.0 EiB  49%  16.0 EiB/s  0:01 left");
}

TEST(FormatProgress, LongNamesAreCut) {
  std::string name(40, 'n');
  std::string line = format_progress(name, 0, 0, 0s);
  EXPECT_EQ(line.substr(0, line.find("  [")), std::string(21, 'n') + "...");
  std::string exact(max_name_bytes, 'x');  // at the limit: kept whole
  line = format_progress(exact, 0, 0, 0s);
  EXPECT_EQ(line.substr(0, line.find("  [")), exact);
}

TEST(FormatProgress, CuttingANameKeepsUtf8CharactersWhole) {
  // 20 ASCII bytes, then two-byte characters: the cut at 21 bytes falls inside one.
  std::string name = std::string(20, 'a') + "\xC3\xA9\xC3\xA9\xC3\xA9";
  std::string line = format_progress(name, 0, 0, 0s);
  EXPECT_EQ(line.substr(0, line.find("  [")), std::string(20, 'a') + "...");
}

TEST(FormatProgress, ControlCharactersInANameAreShownAsQuestionMarks) {
  std::string line = format_progress("a\rb\n\x1b[2J", 0, 0, 0s);
  EXPECT_EQ(line.substr(0, line.find("  [")), "a?b??[2J");
}

// What a ProgressBar wrote, through a FILE* backed by memory.
class ProgressBarTest : public ::testing::Test {
 protected:
  ProgressBarTest() { out_ = open_memstream(&data_, &size_); }
  ~ProgressBarTest() override {
    std::fclose(out_);
    std::free(data_);
  }

  std::string written() {
    std::fflush(out_);
    return std::string(data_, size_);
  }

  FakeClock clock_;
  char* data_ = nullptr;
  std::size_t size_ = 0;
  FILE* out_ = nullptr;
};

TEST_F(ProgressBarTest, StartDrawsAtOnce) {
  ProgressBar bar(clock_, out_);
  bar.start("a", 100);
  EXPECT_TRUE(bar.running());
  EXPECT_EQ(written(), "\r" + format_progress("a", 0, 100, 0s));
}

TEST_F(ProgressBarTest, RedrawsAtMostEvery200ms) {
  ProgressBar bar(clock_, out_);
  bar.start("a", 100);
  std::string expected = "\r" + format_progress("a", 0, 100, 0s);
  clock_.advance(100ms);
  bar.update(10);
  clock_.advance(99ms);
  bar.update(20);
  EXPECT_EQ(written(), expected);  // 199 ms since the last draw: nothing new
  clock_.advance(1ms);
  bar.update(30);
  expected += "\r" + format_progress("a", 30, 100, 200ms);
  EXPECT_EQ(written(), expected);
  clock_.advance(150ms);
  bar.update(40);
  EXPECT_EQ(written(), expected);
  clock_.advance(50ms);
  bar.update(50);
  expected += "\r" + format_progress("a", 50, 100, 400ms);
  EXPECT_EQ(written(), expected);
}

TEST_F(ProgressBarTest, FinishDrawsTheLastStateAndEndsTheLine) {
  ProgressBar bar(clock_, out_);
  bar.start("a", 100);
  clock_.advance(50ms);
  bar.update(100);  // too soon to draw
  bar.finish();
  EXPECT_FALSE(bar.running());
  EXPECT_EQ(written(), "\r" + format_progress("a", 0, 100, 0s) + "\r" +
                           format_progress("a", 100, 100, 50ms) + "\n");
  const std::string after_finish = written();
  clock_.advance(1s);
  bar.finish();   // again: nothing
  bar.update(5);  // after finish: nothing
  EXPECT_EQ(written(), after_finish);
}

TEST_F(ProgressBarTest, AShorterLineBlanksWhatTheLongerOneLeft) {
  ProgressBar bar(clock_, out_);
  bar.start("a", 100);
  std::string first = format_progress("a", 0, 100, 0s);  // "-- B/s  -:-- left"
  clock_.advance(1s);
  bar.update(1);
  std::string second = format_progress("a", 1, 100, 1s);  // "1 B/s  1:39 left"
  ASSERT_LT(second.size(), first.size());
  EXPECT_EQ(written(),
            "\r" + first + "\r" + second + std::string(first.size() - second.size(), ' '));
}

TEST_F(ProgressBarTest, UpdateBeforeStartWritesNothing) {
  ProgressBar bar(clock_, out_);
  bar.update(10);
  bar.finish();
  EXPECT_EQ(written(), "");
  EXPECT_FALSE(bar.running());
}

TEST_F(ProgressBarTest, StartingAgainFinishesTheBarRunning) {
  ProgressBar bar(clock_, out_);
  bar.start("a", 10);
  clock_.advance(1s);
  bar.start("b", 20);
  EXPECT_EQ(written(), "\r" + format_progress("a", 0, 10, 0s) + "\r" +
                           format_progress("a", 0, 10, 1s) + "\n\r" +
                           format_progress("b", 0, 20, 0s));
}

TEST_F(ProgressBarTest, WorksOnATmpfileToo) {
  FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  ProgressBar bar(clock_, file);
  bar.start("f", 0);
  bar.finish();
  std::rewind(file);
  char buffer[256] = {};
  std::size_t n = std::fread(buffer, 1, sizeof buffer, file);
  std::fclose(file);
  EXPECT_EQ(std::string(buffer, n),
            "\r" + format_progress("f", 0, 0, 0s) + "\r" + format_progress("f", 0, 0, 0s) + "\n");
}

}  // namespace
}  // namespace protokit_cli
