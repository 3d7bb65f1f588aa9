#include "testing/transcript/address_text.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace kit::testing::transcript {
namespace {

TEST(ParseAddress, ReadsWhatAddressPrints) {
  EXPECT_EQ(parse_address("tcp:127.0.0.1:8000"), Address::tcp("127.0.0.1", 8000));
  EXPECT_EQ(parse_address("tcp:[::1]:0"), Address::tcp("::1", 0));
  EXPECT_EQ(parse_address("tcp:[fe80::1%eth0]:65535"), Address::tcp("fe80::1%eth0", 65535));
  EXPECT_EQ(parse_address("tcp:[::ffff:10.0.0.1]:80"), Address::tcp("::ffff:10.0.0.1", 80));
  EXPECT_EQ(parse_address("unix:/tmp/x.sock"), Address::unix_socket("/tmp/x.sock"));
  EXPECT_EQ(parse_address("unix:/a:b"), Address::unix_socket("/a:b"));
  EXPECT_EQ(parse_address("memory:client"), Address::memory("client"));
  EXPECT_EQ(parse_address("none"), Address());
}

TEST(ParseAddress, GivesTheTcpAddressUnderALayer) {
  EXPECT_EQ(parse_address("ssl:[::1]:8443"), Address::tcp("::1", 8443));
  EXPECT_EQ(parse_address("ssl:10.1.2.3:443"), Address::tcp("10.1.2.3", 443));
}

TEST(ParseAddress, RefusesWhatNoAddressPrints) {
  for (const char* bad :
       {"", "tcp", ":1", "tcp:", "tcp:127.0.0.1", "tcp:127.0.0.1:", "tcp:127.0.0.1:65536",
        "tcp:127.0.0.1:-1", "tcp:127.0.0.1:8x", "tcp:localhost:80", "tcp:::1:80", "tcp:[::1]80",
        "tcp:[127.0.0.1]:80", "tcp:[::1%]:80", "TCP:1.2.3.4:5", "tcp:1.2.3.4:123456", "nothing"}) {
    EXPECT_EQ(parse_address(bad), std::nullopt) << bad;
  }
}

RC_GTEST_PROP(ParseAddress, ReadsBackEveryPrintedAddress, ()) {
  const auto port = *rc::gen::arbitrary<std::uint16_t>();
  const auto octets =
      *rc::gen::container<std::vector<std::uint8_t>>(4, rc::gen::arbitrary<std::uint8_t>());
  std::string v4;
  for (const std::uint8_t o : octets) v4 += (v4.empty() ? "" : ".") + std::to_string(o);
  const auto groups =
      *rc::gen::container<std::vector<std::uint16_t>>(8, rc::gen::arbitrary<std::uint16_t>());
  std::string v6;
  char hex[8];
  for (const std::uint16_t g : groups) {
    std::snprintf(hex, sizeof hex, "%x", g);
    v6 += (v6.empty() ? "" : ":") + std::string(hex);
  }
  const auto name = *rc::gen::container<std::string>(rc::gen::arbitrary<char>());
  for (const Address& a : {Address::tcp(v4, port), Address::tcp(v6, port),
                           Address::unix_socket(name), Address::memory(name), Address()}) {
    RC_ASSERT(parse_address(a.to_string()) == a);
  }
}

}  // namespace
}  // namespace kit::testing::transcript
