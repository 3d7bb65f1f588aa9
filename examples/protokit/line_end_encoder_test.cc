#include "examples/protokit/line_end_encoder.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

namespace protokit_cli {
namespace {

std::string encode_whole(std::string_view input) { return LineEndEncoder().encode(input); }

TEST(LineEndEncoder, SendsALoneLfAsCrlf) { EXPECT_EQ(encode_whole("a\nb\n"), "a\r\nb\r\n"); }

TEST(LineEndEncoder, LeavesCrlfUnchanged) { EXPECT_EQ(encode_whole("a\r\nb\r\n"), "a\r\nb\r\n"); }

TEST(LineEndEncoder, MixedLineEndsAndEmptyLines) {
  EXPECT_EQ(encode_whole("a\nb\r\nc\n\n"), "a\r\nb\r\nc\r\n\r\n");
}

TEST(LineEndEncoder, LeavesALoneCrAndOtherBytesAlone) {
  EXPECT_EQ(encode_whole("a\rb"), "a\rb");
  EXPECT_EQ(encode_whole("\r\r\n"), "\r\r\n");
  EXPECT_EQ(encode_whole(std::string("\0\n", 2)), std::string("\0\r\n", 3));
}

TEST(LineEndEncoder, ACrlfSplitAcrossChunksIsLeftAlone) {
  LineEndEncoder encoder;
  EXPECT_EQ(encoder.encode("a\r"), "a\r");
  EXPECT_EQ(encoder.encode("\nb\n"), "\nb\r\n");
}

TEST(LineEndEncoder, ACrBeforeAChunkOfOtherBytesIsForgotten) {
  LineEndEncoder encoder;
  EXPECT_EQ(encoder.encode("\r"), "\r");
  EXPECT_EQ(encoder.encode("x"), "x");
  EXPECT_EQ(encoder.encode("\n"), "\r\n");
}

RC_GTEST_PROP(LineEndEncoder, AnyChunkingGivesTheSameBytes, (const std::string& input)) {
  const auto cuts = *rc::gen::container<std::vector<std::size_t>>(
      rc::gen::inRange<std::size_t>(0, input.size() + 1));
  LineEndEncoder encoder;
  std::string chunked;
  std::size_t at = 0;
  for (std::size_t cut : cuts) {
    if (cut < at) continue;
    chunked += encoder.encode(std::string_view(input).substr(at, cut - at));
    at = cut;
  }
  chunked += encoder.encode(std::string_view(input).substr(at));
  RC_ASSERT(chunked == encode_whole(input));
}

}  // namespace
}  // namespace protokit_cli
