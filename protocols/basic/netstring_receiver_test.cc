#include "protocols/basic/netstring_receiver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "fakes/string_transport.h"
#include "testing/generators/chunking.h"

namespace kit::protocols {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class Netstrings : public NetstringReceiver {
 public:
  using NetstringReceiver::NetstringReceiver;
  void string_received(std::string_view s) override { strings.emplace_back(s); }
  void bad_netstring(const Failure& reason) override {
    errors.push_back(reason.message());
    NetstringReceiver::bad_netstring(reason);
  }
  std::vector<std::string> strings;
  std::vector<std::string> errors;
};

class NetstringReceiverTest : public ::testing::Test {
 protected:
  void SetUp() override { transport_.connect(protocol_); }

  // The error `input`, fed byte by byte, is refused with.
  static std::string refusal(std::string_view input, std::size_t max_length = 50) {
    fakes::StringTransport transport;
    Netstrings protocol(max_length);
    transport.connect(protocol);
    testing::deliver(transport, testing::split_every(input, 1));
    if (transport.connected()) return "(still connected)";
    if (protocol.errors.size() != 1)
      return "(" + std::to_string(protocol.errors.size()) + " errors)";
    return protocol.errors[0];
  }

  fakes::StringTransport transport_;
  Netstrings protocol_{50};
};

TEST_F(NetstringReceiverTest, ReceivesInEveryPacketSize) {
  // Twisted's NetstringReceiverTests.test_buffer.
  const std::vector<std::string> strings = {
      "hello", "world", "how", "are", "you123", ":today", std::string(515, 'a')};
  fakes::StringTransport sender_transport;
  Netstrings sender;
  sender_transport.connect(sender);
  for (const std::string& s : strings) sender.send_string(s);
  const std::string wire = sender_transport.value();
  for (std::size_t size = 1; size <= 10; ++size) {
    fakes::StringTransport transport;
    Netstrings protocol(699);
    transport.connect(protocol);
    testing::deliver(transport, testing::split_every(wire, size));
    EXPECT_THAT(protocol.strings, ElementsAreArray(strings)) << "packet size " << size;
  }
}

TEST_F(NetstringReceiverTest, SendStringFrames) {
  protocol_.send_string("abc");
  protocol_.send_string("");
  EXPECT_EQ(transport_.value(), "3:abc,0:,");
}

TEST_F(NetstringReceiverTest, EmptyOneAndTwoCharacterStrings) {
  transport_.receive("0:,1:a,2:ab,");
  EXPECT_THAT(protocol_.strings, ElementsAre("", "a", "ab"));
}

TEST_F(NetstringReceiverTest, NestedNetstringIsData) {
  transport_.receive("4:1:a,,");
  EXPECT_THAT(protocol_.strings, ElementsAre("1:a,"));
}

TEST_F(NetstringReceiverTest, InPortions) {
  // Twisted's test_receiveNetstringPortions_1/2/3 and test_receiveTwoNetstrings.
  for (const char* part :
       {"4:aa", "aa,", "1", "0:01234", "56789", ",", "2", ":", "a", "b", ",", "1:a,1", ":b,"}) {
    transport_.receive(part);
  }
  EXPECT_THAT(protocol_.strings, ElementsAre("aaaa", "0123456789", "ab", "a", "b"));
  EXPECT_TRUE(transport_.connected());
}

TEST_F(NetstringReceiverTest, MalformedInputIsRefusedWithAClearError) {
  EXPECT_THAT(refusal("2:aaa,"), HasSubstr("not followed by ','"));
  EXPECT_THAT(refusal("0:a,"), HasSubstr("not followed by ','"));
  EXPECT_THAT(refusal(":aaa,"), HasSubstr("does not start with a length"));
  EXPECT_THAT(refusal("3aaa,"), HasSubstr("not followed by ':'"));
  EXPECT_THAT(refusal("aaa,"), HasSubstr("does not start with a length"));
  EXPECT_THAT(refusal("aaa"), HasSubstr("does not start with a length"));
  EXPECT_THAT(refusal("007:abcdefg,"), HasSubstr("leading zero"));
  EXPECT_THAT(refusal("9999999999999999999999"), HasSubstr("longer than the maximum of 50"));
  EXPECT_THAT(refusal("4:abcde"), HasSubstr("not followed by ','"));
  EXPECT_THAT(refusal("51:" + std::string(51, 'a') + ","), HasSubstr("maximum"));
  EXPECT_THAT(refusal("-1:a,"), HasSubstr("does not start with a length"));
}

TEST_F(NetstringReceiverTest, ErrorIsFoundAtTheFirstByteThatShowsIt) {
  transport_.receive("5");
  transport_.receive("1");  // 51 > 50: no need to wait for ':'
  EXPECT_FALSE(transport_.connected());
  ASSERT_TRUE(protocol_.broken_peer().has_value());
  EXPECT_TRUE(protocol_.broken_peer()->is(errc::protocol_error));
}

TEST_F(NetstringReceiverTest, ExactlyTheMaximumIsDelivered) {
  transport_.receive("50:" + std::string(50, 'x') + ",");
  EXPECT_THAT(protocol_.strings, ElementsAre(std::string(50, 'x')));
}

TEST_F(NetstringReceiverTest, StringsBeforeTheErrorAreDeliveredAndNothingAfter) {
  class Keeper : public Netstrings {
   public:
    void bad_netstring(const Failure& reason) override { errors.push_back(reason.message()); }
  };
  fakes::StringTransport transport;
  Keeper protocol;
  transport.connect(protocol);
  transport.receive("1:a,x1:b,");
  transport.receive("1:c,");
  EXPECT_THAT(protocol.strings, ElementsAre("a"));
  EXPECT_EQ(protocol.errors.size(), 1u);  // once, although the connection stays open
  EXPECT_TRUE(transport.connected());
}

TEST_F(NetstringReceiverTest, EveryChunkingGivesTheSameResult) {
  for (const testing::Chunking& chunks : testing::all_chunkings("2:ab,0:,1:c,3x")) {
    fakes::StringTransport transport;
    Netstrings protocol;
    transport.connect(protocol);
    testing::deliver(transport, chunks);
    EXPECT_THAT(protocol.strings, ElementsAre("ab", "", "c")) << ::testing::PrintToString(chunks);
    EXPECT_EQ(protocol.errors.size(), 1u);
  }
}

}  // namespace
}  // namespace kit::protocols
