#include "protocols/reverse/reverse_protocol.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "fakes/string_transport.h"
#include "kit/factory.h"
#include "testing/generators/chunking.h"

namespace kit::protocols {
namespace {

class ReverseProtocolTest : public ::testing::Test {
 protected:
  void connect(ReverseProtocol& protocol) { transport_.connect(protocol); }
  fakes::StringTransport transport_;
};

TEST_F(ReverseProtocolTest, AnswersEachLineReversed) {
  ReverseProtocol protocol;
  connect(protocol);
  transport_.receive("hello\nabc\r\n");
  EXPECT_EQ(transport_.take(), "olleh\r\ncba\r\n");
}

TEST_F(ReverseProtocolTest, ReversesByteByByte) {
  ReverseProtocol protocol;
  connect(protocol);
  // Bytes, not characters: a two-byte UTF-8 sequence comes back with its bytes swapped.
  transport_.receive(
      "a\xc3\xa9"
      "b\n");
  EXPECT_EQ(transport_.take(),
            "b\xa9\xc3"
            "a\r\n");
  transport_.receive(std::string("\0\xff\r", 3) + "x\n");
  EXPECT_EQ(transport_.take(), std::string("x\r\xff\0", 4) + "\r\n");
}

TEST_F(ReverseProtocolTest, EmptyLineIsAnsweredEmpty) {
  ReverseProtocol protocol;
  connect(protocol);
  transport_.receive("\r\n");
  EXPECT_EQ(transport_.take(), "\r\n");
}

TEST_F(ReverseProtocolTest, QuitClosesWithoutAnAnswer) {
  ReverseProtocol protocol;
  connect(protocol);
  transport_.receive("ab\nquit\r\ncd\n");
  EXPECT_EQ(transport_.value(), "ba\r\n");
  EXPECT_FALSE(transport_.connected());
  EXPECT_TRUE(transport_.lost_reason()->is(errc::connection_done));
}

TEST_F(ReverseProtocolTest, LineOfExactlyTheMaximumIsAnswered) {
  ReverseProtocol protocol(3);
  connect(protocol);
  transport_.receive("abc\r\n");
  EXPECT_EQ(transport_.take(), "cba\r\n");
}

TEST_F(ReverseProtocolTest, LongerLineIsRefusedWithoutWaitingForItsEnd) {
  ReverseProtocol protocol(3);
  connect(protocol);
  transport_.receive("abc\r");
  EXPECT_EQ(transport_.value(), "");
  transport_.receive("d");
  EXPECT_EQ(transport_.value(), "error: line too long\r\n");
  EXPECT_FALSE(transport_.connected());
}

TEST_F(ReverseProtocolTest, EveryChunkingGivesTheSameAnswers) {
  for (const testing::Chunking& chunks : testing::all_chunkings("ab\r\n\ncd\nquit\ne\n")) {
    fakes::StringTransport transport;
    ReverseProtocol protocol;
    transport.connect(protocol);
    testing::deliver(transport, chunks);
    EXPECT_EQ(transport.value(), "ba\r\n\r\ndc\r\n") << ::testing::PrintToString(chunks);
    EXPECT_FALSE(transport.connected());
  }
}

TEST(ReverseProtocolFactory, PassesTheMaximumToEachProtocol) {
  std::unique_ptr<Factory> factory = factory_for<ReverseProtocol>(std::size_t{2});
  std::unique_ptr<Protocol> protocol = factory->build_protocol(Address::tcp("127.0.0.1", 1));
  fakes::StringTransport transport;
  transport.connect(*protocol);
  transport.receive("ab\nabc");
  EXPECT_EQ(transport.value(), "ba\r\nerror: line too long\r\n");
}

}  // namespace
}  // namespace kit::protocols
