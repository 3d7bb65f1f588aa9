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

TEST(Address, PrintsALayerOverIpWithItsOwnScheme) {
  EXPECT_EQ(Address::tcp("127.0.0.1", 8443).to_string("ssl"), "ssl:127.0.0.1:8443");
  EXPECT_EQ(Address::tcp("::1", 8443).to_string("ssl"), "ssl:[::1]:8443");
  // Only a stream over IP changes its name.
  EXPECT_EQ(Address::unix_socket("/tmp/x.sock").to_string("ssl"), "unix:/tmp/x.sock");
}

TEST(Address, FamilyFollowsTheIpNumber) {
  EXPECT_EQ(Address::tcp("10.0.0.1", 1).family(), Address::Family::ipv4);
  EXPECT_EQ(Address::tcp("fe80::1", 1).family(), Address::Family::ipv6);
  EXPECT_TRUE(Address::tcp("fe80::1", 1).is_tcp());
  EXPECT_TRUE(Address::tcp("fe80::1", 1).is_ip());
  EXPECT_FALSE(Address::unix_socket("/x").is_tcp());
}

TEST(Address, FamilyAndSocketTypeAreApart) {
  EXPECT_EQ(Address::tcp("10.0.0.1", 1).socket_type(), Address::SocketType::stream);
  EXPECT_EQ(Address::unix_socket("/x").family(), Address::Family::unix_domain);
  EXPECT_EQ(Address::unix_socket("/x").socket_type(), Address::SocketType::stream);
  EXPECT_FALSE(Address::unix_socket("/x").is_ip());
  EXPECT_EQ(Address::memory("m").family(), Address::Family::memory);
  EXPECT_EQ(Address().family(), Address::Family::none);
  EXPECT_EQ(Address().socket_type(), Address::SocketType::none);
}

TEST(Address, Equality) {
  EXPECT_EQ(Address::tcp("127.0.0.1", 1), Address::tcp("127.0.0.1", 1));
  EXPECT_NE(Address::tcp("127.0.0.1", 1), Address::tcp("127.0.0.1", 2));
  EXPECT_NE(Address::unix_socket("/a"), Address::memory("/a"));
}

}  // namespace
}  // namespace kit
