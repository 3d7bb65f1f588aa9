#include "protocols/echo/echo_protocol.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "fakes/string_transport.h"
#include "kit/factory.h"

namespace kit::protocols {
namespace {

class EchoProtocolTest : public ::testing::Test {
 protected:
  void SetUp() override { transport_.connect(protocol_); }
  fakes::StringTransport transport_;
  EchoProtocol protocol_;
};

TEST_F(EchoProtocolTest, SendsBackEveryByte) {
  transport_.receive("hello");
  EXPECT_EQ(transport_.value(), "hello");
  transport_.receive(" world\r\n");
  EXPECT_EQ(transport_.value(), "hello world\r\n");
}

TEST_F(EchoProtocolTest, BinaryBytesComeBackUnchanged) {
  const std::string bytes("\0\xff\r\n\x80\0", 6);
  transport_.receive(bytes);
  EXPECT_EQ(transport_.value(), bytes);
}

TEST_F(EchoProtocolTest, HalfCloseClosesOnceEverythingIsSentBack) {
  transport_.hold_writes(true);
  transport_.receive("pending");
  transport_.receive_eof();
  EXPECT_TRUE(transport_.disconnecting());
  EXPECT_TRUE(transport_.connected());  // still sending
  transport_.deliver_held();
  EXPECT_EQ(transport_.value(), "pending");
  EXPECT_FALSE(transport_.connected());
  EXPECT_TRUE(transport_.lost_reason()->is(errc::connection_done));
}

TEST_F(EchoProtocolTest, StopRequestedClosesAfterPendingWrites) {
  transport_.receive("x");
  protocol_.stop_requested();
  EXPECT_EQ(transport_.value(), "x");
  EXPECT_FALSE(transport_.connected());
}

TEST(EchoProtocolFactory, BuildsAnEchoPerConnection) {
  std::unique_ptr<Factory> factory = factory_for<EchoProtocol>();
  std::unique_ptr<Protocol> protocol = factory->build_protocol(Address::tcp("127.0.0.1", 1));
  ASSERT_NE(protocol, nullptr);
  fakes::StringTransport transport;
  transport.connect(*protocol);
  transport.receive("ping");
  EXPECT_EQ(transport.value(), "ping");
}

}  // namespace
}  // namespace kit::protocols
