#include "protocols/http/url.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kit::http {
namespace {

using ::testing::HasSubstr;

TEST(Url, SplitsHostPortAndTarget) {
  Url url = parse_url("HTTP://Example.COM:8080/a/b?q=1#frag");
  EXPECT_EQ(url.scheme, "http");
  EXPECT_EQ(url.host, "example.com");
  EXPECT_EQ(url.port, 8080);
  EXPECT_EQ(url.target, "/a/b?q=1");
  EXPECT_EQ(url.authority(), "example.com:8080");
}

TEST(Url, DefaultsAndIpv6) {
  EXPECT_EQ(parse_url("http://h").target, "/");
  EXPECT_EQ(parse_url("http://h").port, 80);
  EXPECT_EQ(parse_url("http://h:/x").port, 80);
  EXPECT_EQ(parse_url("http://h?x=1").target, "/?x=1");
  EXPECT_EQ(parse_url("http://h#f").target, "/");
  EXPECT_EQ(parse_url("http://h").authority(), "h");
  Url v6 = parse_url("http://[::1]:8000/p");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 8000);
  EXPECT_EQ(v6.authority(), "[::1]:8000");
  EXPECT_EQ(parse_url("http://[::1]/").authority(), "[::1]");
}

TEST(Url, RefusesWhatCannotBeRequested) {
  for (const char* text :
       {"example.com/", "ftp://h/", "http:///x", "http://user:pw@h/", "http://h:99999/",
        "http://h:0/", "http://h:8x/", "http://h/a b", "http://h/\r\n", "http://[::1/",
        "http://[xyz]/", "http://[::1]x/", "http://a:b:c/"}) {
    SCOPED_TRACE(text);
    try {
      parse_url(text);
      ADD_FAILURE() << "accepted";
    } catch (const UrlError& e) {
      EXPECT_THAT(e.what(), HasSubstr("cannot request"));
      EXPECT_FALSE(e.unsupported());
    }
  }
}

TEST(Url, HttpsDefaultsToPort443AndLeavesItOutOfTheAuthority) {
  const Url url = parse_url("HTTPS://Example.com/a");
  EXPECT_EQ(url.scheme, "https");
  EXPECT_EQ(url.host, "example.com");
  EXPECT_EQ(url.port, 443);
  EXPECT_EQ(url.authority(), "example.com");
  EXPECT_EQ(parse_url("https://example.com:8443/").authority(), "example.com:8443");
  EXPECT_EQ(parse_url("https://example.com:80/").authority(), "example.com:80");
  EXPECT_EQ(parse_url("http://example.com:443/").authority(), "example.com:443");
}

}  // namespace
}  // namespace kit::http
