#include "protocols/line/line_protocol.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "fakes/string_transport.h"
#include "kit/factory.h"
#include "testing/generators/chunking.h"

namespace kit::protocols {
namespace {

class LineProtocolTest : public ::testing::Test {
 protected:
  void connect(LineProtocol& protocol) { transport_.connect(protocol); }
  fakes::StringTransport transport_;
};

TEST_F(LineProtocolTest, AnswersEachLine) {
  LineProtocol protocol;
  connect(protocol);
  transport_.receive("hello\n");
  EXPECT_EQ(transport_.take(), "You said: hello\r\n");
  transport_.receive("one\ntwo\n");
  EXPECT_EQ(transport_.take(), "You said: one\r\nYou said: two\r\n");
}

TEST_F(LineProtocolTest, CrBeforeLfIsRemovedAndAnswersEndInCrlf) {
  LineProtocol protocol;
  connect(protocol);
  transport_.receive("hello\r\n");
  EXPECT_EQ(transport_.take(), "You said: hello\r\n");
}

TEST_F(LineProtocolTest, CrElsewhereIsPartOfTheLine) {
  LineProtocol protocol;
  connect(protocol);
  transport_.receive("a\rb\r\r\n");
  EXPECT_EQ(transport_.take(), "You said: a\rb\r\r\n");
}

TEST_F(LineProtocolTest, EmptyLineIsAnswered) {
  LineProtocol protocol;
  connect(protocol);
  transport_.receive("\n\r\n");
  EXPECT_EQ(transport_.take(), "You said: \r\nYou said: \r\n");
}

TEST_F(LineProtocolTest, LineSplitAcrossChunks) {
  LineProtocol protocol;
  connect(protocol);
  transport_.receive("hel");
  EXPECT_EQ(transport_.value(), "");
  transport_.receive("lo\r");
  EXPECT_EQ(transport_.value(), "");
  transport_.receive("\n");
  EXPECT_EQ(transport_.take(), "You said: hello\r\n");
}

TEST_F(LineProtocolTest, BinaryBytesAreEchoedInTheAnswer) {
  LineProtocol protocol;
  connect(protocol);
  transport_.receive(std::string("\0\xff", 2) + "\n");
  EXPECT_EQ(transport_.take(), "You said: " + std::string("\0\xff", 2) + "\r\n");
}

TEST_F(LineProtocolTest, QuitSaysGoodbyeAndCloses) {
  LineProtocol protocol;
  connect(protocol);
  transport_.receive("hi\nquit\r\nnot answered\n");
  EXPECT_EQ(transport_.value(), "You said: hi\r\nGoodbye.\r\n");
  EXPECT_FALSE(transport_.connected());
  EXPECT_TRUE(transport_.lost_reason()->is(errc::connection_done));
}

TEST_F(LineProtocolTest, OnlyTheExactLineQuitQuits) {
  LineProtocol protocol;
  connect(protocol);
  transport_.receive("Quit\nquit \n quit\n");
  EXPECT_EQ(transport_.take(), "You said: Quit\r\nYou said: quit \r\nYou said:  quit\r\n");
  EXPECT_TRUE(transport_.connected());
}

TEST_F(LineProtocolTest, LineOfExactlyTheMaximumIsAnswered) {
  LineProtocol protocol(8);
  connect(protocol);
  transport_.receive("12345678\r\n");
  EXPECT_EQ(transport_.take(), "You said: 12345678\r\n");
  EXPECT_TRUE(transport_.connected());
}

TEST_F(LineProtocolTest, LongerLineIsRefusedAsSoonAsItIsTooLong) {
  LineProtocol protocol(8);
  connect(protocol);
  transport_.receive("12345678");
  EXPECT_EQ(transport_.value(), "");
  transport_.receive("9");  // no LF yet: still refused now
  EXPECT_EQ(transport_.value(), "error: line too long\r\n");
  EXPECT_FALSE(transport_.connected());
}

TEST_F(LineProtocolTest, MaximumPlusACrIsNotYetTooLong) {
  LineProtocol protocol(8);
  connect(protocol);
  transport_.receive("12345678\r");
  EXPECT_EQ(transport_.value(), "");
  EXPECT_TRUE(transport_.connected());
  transport_.receive("\n");
  EXPECT_EQ(transport_.take(), "You said: 12345678\r\n");
}

TEST_F(LineProtocolTest, DefaultMaximumIs16384) {
  LineProtocol protocol;
  connect(protocol);
  transport_.receive(std::string(16384, 'x') + "\n");
  EXPECT_EQ(transport_.take(), "You said: " + std::string(16384, 'x') + "\r\n");
  transport_.receive(std::string(16385, 'x'));
  EXPECT_EQ(transport_.value(), "error: line too long\r\n");
}

TEST_F(LineProtocolTest, EveryChunkingGivesTheSameAnswers) {
  const std::string input = "a\r\nquit\nb\n";
  const std::string expected = "You said: a\r\nGoodbye.\r\n";
  for (const testing::Chunking& chunks : testing::all_chunkings(input)) {
    fakes::StringTransport transport;
    LineProtocol protocol;
    transport.connect(protocol);
    testing::deliver(transport, chunks);
    EXPECT_EQ(transport.value(), expected) << ::testing::PrintToString(chunks);
    EXPECT_FALSE(transport.connected());
  }
}

TEST_F(LineProtocolTest, HalfCloseClosesAndDropsAnUnfinishedLine) {
  LineProtocol protocol;
  connect(protocol);
  transport_.receive("done\nunfinished");
  transport_.receive_eof();
  EXPECT_EQ(transport_.value(), "You said: done\r\n");
  EXPECT_FALSE(transport_.connected());
}

TEST(LineProtocolFactory, PassesTheMaximumToEachProtocol) {
  std::unique_ptr<Factory> factory = factory_for<LineProtocol>(std::size_t{4});
  std::unique_ptr<Protocol> protocol = factory->build_protocol(Address::tcp("127.0.0.1", 1));
  ASSERT_NE(protocol, nullptr);
  fakes::StringTransport transport;
  transport.connect(*protocol);
  transport.receive("1234\n12345");
  EXPECT_EQ(transport.value(), "You said: 1234\r\nerror: line too long\r\n");
}

}  // namespace
}  // namespace kit::protocols
