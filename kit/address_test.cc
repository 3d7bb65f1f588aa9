#include "kit/address.h"

#include <gtest/gtest.h>

namespace kit {
namespace {

TEST(Address, PrintsLikeTheListeningOnLines) {
  EXPECT_EQ(Address::tcp("127.0.0.1", 43125).to_string(), "tcp:127.0.0.1:43125");
  EXPECT_EQ(Address::tcp("::1", 8000).to_string(), "tcp:[::1]:8000");
  EXPECT_EQ(Address::unix_socket("/tmp/x.sock").to_string(), "unix:/tmp/x.sock");
  EXPECT_EQ(Address::memory("client").to_string(), "memory:client");
  EXPECT_EQ(Address().to_string(), "none");
}

TEST(Address, KindFollowsTheIpFamily) {
  EXPECT_EQ(Address::tcp("10.0.0.1", 1).kind(), Address::Kind::tcp_v4);
  EXPECT_EQ(Address::tcp("fe80::1", 1).kind(), Address::Kind::tcp_v6);
  EXPECT_TRUE(Address::tcp("fe80::1", 1).is_tcp());
  EXPECT_FALSE(Address::unix_socket("/x").is_tcp());
}

TEST(Address, Equality) {
  EXPECT_EQ(Address::tcp("127.0.0.1", 1), Address::tcp("127.0.0.1", 1));
  EXPECT_NE(Address::tcp("127.0.0.1", 1), Address::tcp("127.0.0.1", 2));
  EXPECT_NE(Address::unix_socket("/a"), Address::memory("/a"));
}

}  // namespace
}  // namespace kit
