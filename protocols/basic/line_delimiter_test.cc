#include "protocols/basic/line_delimiter.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace kit::protocols {
namespace {

constexpr std::size_t npos = LineDelimiter::npos;

TEST(LineDelimiter, NamesWhatEndsAndWhatIsSent) {
  EXPECT_EQ(LineDelimiter::crlf().ends(), "\r\n");
  EXPECT_EQ(LineDelimiter::crlf().sends(), "\r\n");
  EXPECT_EQ(LineDelimiter::lf().sends(), "\n");
  EXPECT_EQ(LineDelimiter::lf_strip_cr().ends(), "\n");
  EXPECT_EQ(LineDelimiter::lf_strip_cr().sends(), "\r\n");
  EXPECT_TRUE(LineDelimiter::lf_strip_cr().strips_cr());
  EXPECT_FALSE(LineDelimiter::lf().strips_cr());
  EXPECT_EQ(LineDelimiter::custom("END", "end\n").sends(), "end\n");
  EXPECT_EQ(LineDelimiter::custom("\r\n"), LineDelimiter::crlf());
}

TEST(LineDelimiter, RefusesAnEmptyDelimiter) {
  EXPECT_THROW(LineDelimiter::custom(""), std::invalid_argument);
}

TEST(LineDelimiter, FindEndInOneString) {
  const LineDelimiter crlf = LineDelimiter::crlf();
  EXPECT_EQ(crlf.find_end("", "ab\r\ncd"), 4u);
  EXPECT_EQ(crlf.find_end("", "a\nb\r\n"), 5u);
  EXPECT_EQ(crlf.find_end("", "ab\r"), npos);
  EXPECT_EQ(crlf.find_end("", "ab\r\ncd\r\n", 4), 8u);
  EXPECT_EQ(crlf.find_end("", ""), npos);
}

TEST(LineDelimiter, FindEndBegunInTheBytesBefore) {
  const LineDelimiter crlf = LineDelimiter::crlf();
  EXPECT_EQ(crlf.find_end("ab\r", "\ncd"), 1u);
  EXPECT_EQ(crlf.find_end("ab", "\ncd\r\n"), 5u);  // "b\n" is no delimiter
  const LineDelimiter end = LineDelimiter::custom("END");
  EXPECT_EQ(end.find_end("xE", "ND"), 2u);
  EXPECT_EQ(end.find_end("EN", "D"), 1u);
  EXPECT_EQ(end.find_end("N", "D"), npos);
  EXPECT_EQ(end.find_end("", "D"), npos);
}

TEST(LineDelimiter, FindEndOfASelfOverlappingDelimiter) {
  EXPECT_EQ(LineDelimiter::custom("aab").find_end("", "aaab"), 4u);
  EXPECT_EQ(LineDelimiter::custom("aab").find_end("a", "ab"), 2u);
}

TEST(LineDelimiter, MinLengthDiscountsAPossibleStartOfTheDelimiter) {
  const LineDelimiter crlf = LineDelimiter::crlf();
  EXPECT_EQ(crlf.min_length("abc"), 3u);
  EXPECT_EQ(crlf.min_length("abc\r"), 3u);
  EXPECT_EQ(crlf.min_length("abc\r\r"), 4u);
  EXPECT_EQ(crlf.min_length(""), 0u);
  EXPECT_EQ(LineDelimiter::lf().min_length("abc\r"), 4u);  // CR is data with lf()
  EXPECT_EQ(LineDelimiter::lf_strip_cr().min_length("abc\r"), 3u);
  EXPECT_EQ(LineDelimiter::custom("END").min_length("abEN"), 2u);
  EXPECT_EQ(LineDelimiter::custom("END").min_length("abE"), 2u);
  EXPECT_EQ(LineDelimiter::custom("END").min_length("abN"), 3u);
}

TEST(LineDelimiter, LineOfStripsOneCrOnlyWhenAsked) {
  EXPECT_EQ(LineDelimiter::lf_strip_cr().line_of("abc\r"), "abc");
  EXPECT_EQ(LineDelimiter::lf_strip_cr().line_of("abc\r\r"), "abc\r");
  EXPECT_EQ(LineDelimiter::lf_strip_cr().line_of(""), "");
  EXPECT_EQ(LineDelimiter::lf().line_of("abc\r"), "abc\r");
}

}  // namespace
}  // namespace kit::protocols
