#include "protocols/upload/sha256.h"

#include <gtest/gtest.h>

#include <string>

#include "protocols/upload/hmac_sha256.h"

namespace kit::upload {
namespace {

constexpr char kEmpty[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kAbc[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr char kHello[] = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

TEST(Sha256, KnownDigests) {
  EXPECT_EQ(sha256_hex(""), kEmpty);
  EXPECT_EQ(sha256_hex("abc"), kAbc);
  EXPECT_EQ(sha256_hex("hello"), kHello);  // specs/upload.md's example
}

TEST(Sha256, PiecesGiveTheDigestOfTheWhole) {
  Sha256 hash;
  hash.update("he");
  hash.update("");
  hash.update("llo");
  EXPECT_EQ(hash.finish_hex(), kHello);
}

TEST(Sha256, StartsOverAfterFinish) {
  Sha256 hash;
  hash.update("xyz");
  (void)hash.finish();
  hash.update("abc");
  EXPECT_EQ(hash.finish_hex(), kAbc);
}

TEST(Sha256, BinaryDataIsHashedWhole) {
  const std::string data("a\0b\r\n", 5);
  Sha256 hash;
  hash.update(data);
  EXPECT_EQ(hash.finish_hex(), sha256_hex(data));
  EXPECT_NE(sha256_hex(data), sha256_hex("a"));
}

TEST(Sha256, HexFormIsSixtyFourLowercaseDigits) {
  EXPECT_TRUE(is_sha256_hex(kAbc));
  EXPECT_FALSE(is_sha256_hex(""));
  EXPECT_FALSE(is_sha256_hex(std::string(kAbc).substr(1)));
  EXPECT_FALSE(is_sha256_hex(std::string(kAbc) + "0"));
  std::string upper = kAbc;
  upper[0] = 'B';
  EXPECT_FALSE(is_sha256_hex(upper));
  std::string not_hex = kAbc;
  not_hex[5] = 'g';
  EXPECT_FALSE(is_sha256_hex(not_hex));
}

TEST(HmacSha256, Rfc4231TestCase2) {
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, EmptyKeyIsAllowed) {
  // HMAC-SHA256("", "") is a fixed, well-known value.
  EXPECT_EQ(hmac_sha256_hex("", ""),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(MacMatches, ComparesWholeStrings) {
  const std::string mac = hmac_sha256_hex("k", "nonce");
  EXPECT_TRUE(mac_matches(mac, mac));
  std::string last = mac;
  last.back() = last.back() == '0' ? '1' : '0';
  EXPECT_FALSE(mac_matches(last, mac));
  EXPECT_FALSE(mac_matches(mac.substr(0, 63), mac));
  EXPECT_FALSE(mac_matches("", mac));
  EXPECT_TRUE(mac_matches("", ""));
}

}  // namespace
}  // namespace kit::upload
