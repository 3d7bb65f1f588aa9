#include "protocols/http/headers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kit::http {
namespace {

using ::testing::ElementsAre;

TEST(Headers, KeepsOrderAndRepeatsWithCaseInsensitiveLookup) {
  Headers h;
  EXPECT_TRUE(h.empty());
  h.add("Set-Cookie", "a=1");
  h.add("Content-Type", "text/plain");
  h.add("set-cookie", "b=2");
  EXPECT_EQ(h.size(), 3u);
  EXPECT_EQ(h.get("CONTENT-TYPE"), "text/plain");
  EXPECT_EQ(h.get("set-COOKIE"), "a=1");
  EXPECT_THAT(h.get_all("Set-Cookie"), ElementsAre("a=1", "b=2"));
  EXPECT_FALSE(h.get("Content-Length"));
  EXPECT_FALSE(h.contains("Content-Lengt"));
  EXPECT_TRUE(h.contains("content-type"));
  std::vector<std::string> names;
  for (const Field& f : h) names.push_back(f.name);
  EXPECT_THAT(names, ElementsAre("Set-Cookie", "Content-Type", "set-cookie"));
}

TEST(Headers, IequalsAsciiFoldsOnlyAsciiLetters) {
  EXPECT_TRUE(iequals_ascii("Content-Length", "content-length"));
  EXPECT_FALSE(iequals_ascii("a", "ab"));
  EXPECT_FALSE(iequals_ascii("[", "{"));  // 0x5B and 0x7B differ by 0x20 but are not letters
}

}  // namespace
}  // namespace kit::http
