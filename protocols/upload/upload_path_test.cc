#include "protocols/upload/upload_path.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kit::upload {
namespace {

std::string refusal_of(std::string_view text) {
  std::string why;
  const auto path = UploadPath::parse(text, &why);
  EXPECT_FALSE(path.has_value()) << text;
  return why;
}

TEST(UploadPath, AcceptsRelativePathsAndSplitsThem) {
  const auto path = UploadPath::parse("notes/hello world.txt");
  ASSERT_TRUE(path);
  EXPECT_EQ(path->str(), "notes/hello world.txt");
  EXPECT_EQ(path->components(), (std::vector<std::string>{"notes", "hello world.txt"}));
}

TEST(UploadPath, AcceptsUtf8AndDotsInsideNames) {
  EXPECT_TRUE(UploadPath::parse("caf\xc3\xa9/\xf0\x9f\x98\x80.txt"));
  EXPECT_TRUE(UploadPath::parse("a.b/..c/.hidden/x..").has_value());
  EXPECT_TRUE(UploadPath::parse("pkup-x/.pkup"));  // only the prefix ".pkup-" is reserved
}

TEST(UploadPath, RefusesEmptyAbsoluteAndTrailingSlash) {
  EXPECT_EQ(refusal_of(""), "empty path");
  EXPECT_EQ(refusal_of("/etc/passwd"), "absolute path");
  EXPECT_EQ(refusal_of("dir/"), "path ends with /");
}

TEST(UploadPath, RefusesEmptyDotAndDotDotComponents) {
  EXPECT_EQ(refusal_of("a//b"), "empty path component");
  EXPECT_EQ(refusal_of("./a"), "'.' or '..' in path");
  EXPECT_EQ(refusal_of("a/./b"), "'.' or '..' in path");
  EXPECT_EQ(refusal_of("../x"), "'.' or '..' in path");
  EXPECT_EQ(refusal_of("a/.."), "'.' or '..' in path");
  EXPECT_EQ(refusal_of("."), "'.' or '..' in path");
}

TEST(UploadPath, LimitsComponentsTo255BytesAndPathsTo1024) {
  EXPECT_TRUE(UploadPath::parse(std::string(255, 'a')));
  EXPECT_EQ(refusal_of(std::string(256, 'a')), "path component over 255 bytes");
  std::string longest;
  while (longest.size() + 101 <= 1024) longest += std::string(100, 'b') + "/";
  longest += std::string(1024 - longest.size(), 'c');
  ASSERT_EQ(longest.size(), 1024u);
  EXPECT_TRUE(UploadPath::parse(longest));
  EXPECT_EQ(refusal_of(longest + "c"), "path over 1024 bytes");
}

TEST(UploadPath, RefusesControlBytesDelAndBackslash) {
  EXPECT_EQ(refusal_of(std::string("a\0b", 3)), "control character in path");
  EXPECT_EQ(refusal_of("a\tb"), "control character in path");
  EXPECT_EQ(refusal_of("a\rb"), "control character in path");
  EXPECT_EQ(refusal_of("a\x1f"), "control character in path");
  EXPECT_EQ(refusal_of("a\x7f"), "control character in path");
  EXPECT_EQ(refusal_of("a\\b"), "backslash in path");
}

TEST(UploadPath, RefusesInvalidUtf8) {
  for (const char* bad : {"\xff", "a\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                          "\xf4\x90\x80\x80", "\x80", "\xf0\x9f\x98"}) {
    EXPECT_EQ(refusal_of(bad), "path is not valid UTF-8") << bad;
  }
}

TEST(UploadPath, RefusesTheTemporaryPrefixInAnyComponent) {
  EXPECT_EQ(refusal_of(".pkup-x"), "names beginning with .pkup- are reserved");
  EXPECT_EQ(refusal_of("a/.pkup-1/b"), "names beginning with .pkup- are reserved");
  EXPECT_EQ(refusal_of(".pkup-"), "names beginning with .pkup- are reserved");
}

TEST(Utf8, Boundaries) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("\x7f"));
  EXPECT_TRUE(is_valid_utf8("\xc2\x80"));
  EXPECT_TRUE(is_valid_utf8("\xef\xbf\xbf"));
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));
  EXPECT_FALSE(is_valid_utf8("\xc1\xbf"));
  EXPECT_FALSE(is_valid_utf8("\xf5\x80\x80\x80"));
}

}  // namespace
}  // namespace kit::upload
