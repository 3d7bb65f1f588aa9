#include "protocols/basic/line_only_receiver.h"

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
using ::testing::IsEmpty;

class Lines : public LineOnlyReceiver {
 public:
  using LineOnlyReceiver::LineOnlyReceiver;
  void line_received(std::string_view line) override {
    lines.emplace_back(line);
    if (line == "quit") transport()->lose_connection();
  }
  std::vector<std::string> lines;
};

TEST(LineOnlyReceiver, ReceivesLinesByteByByte) {
  // Twisted's LineOnlyReceiverTests.test_buffer.
  const std::string buffer = "foo\n    bleakness\n    desolation\n    plastic forks\n";
  fakes::StringTransport transport;
  Lines protocol(LineDelimiter::lf(), 64);
  transport.connect(protocol);
  testing::deliver(transport, testing::split_every(buffer, 1));
  EXPECT_THAT(protocol.lines,
              ElementsAre("foo", "    bleakness", "    desolation", "    plastic forks"));
}

TEST(LineOnlyReceiver, EveryChunkingGivesTheSameLines) {
  for (const testing::Chunking& chunks : testing::all_chunkings("a\r\n\r\nbc\r\nd")) {
    fakes::StringTransport transport;
    Lines protocol;
    transport.connect(protocol);
    testing::deliver(transport, chunks);
    EXPECT_THAT(protocol.lines, ElementsAre("a", "", "bc")) << ::testing::PrintToString(chunks);
    EXPECT_EQ(protocol.clear_line_buffer(), "d");
  }
}

TEST(LineOnlyReceiver, LongerThanTheMaximumClosesTheConnection) {
  // Twisted's test_greaterThanMaximumLineLength.
  fakes::StringTransport transport;
  Lines protocol(LineDelimiter::lf(), 64);
  transport.connect(protocol);
  transport.receive(std::string(64 + 1 + 1, 'x') + "\r\nr");
  EXPECT_THAT(protocol.lines, IsEmpty());
  EXPECT_FALSE(transport.connected());
  EXPECT_TRUE(transport.lost_reason()->is(errc::connection_done));
}

TEST(LineOnlyReceiver, ExactlyTheMaximumIsALine) {
  fakes::StringTransport transport;
  Lines protocol(LineDelimiter::crlf(), 3);
  transport.connect(protocol);
  transport.receive("abc");
  transport.receive("\r");
  transport.receive("\n");
  EXPECT_THAT(protocol.lines, ElementsAre("abc"));
  EXPECT_TRUE(transport.connected());
}

TEST(LineOnlyReceiver, ClosingStopsTheRestOfTheChunk) {
  fakes::StringTransport transport;
  Lines protocol;
  transport.connect(protocol);
  transport.receive("a\r\nquit\r\nb\r\n");
  EXPECT_THAT(protocol.lines, ElementsAre("a", "quit"));
  EXPECT_FALSE(transport.connected());
}

TEST(LineOnlyReceiver, DelimiterChangedInsideACallbackAppliesToTheRest) {
  class Switcher : public LineOnlyReceiver {
   public:
    void line_received(std::string_view line) override {
      lines.emplace_back(line);
      if (line == "lf") set_delimiter(LineDelimiter::lf());
    }
    std::vector<std::string> lines;
  };
  fakes::StringTransport transport;
  Switcher protocol;
  transport.connect(protocol);
  transport.receive("a\nb\r\nlf\r\nc\nd\r\n");
  EXPECT_THAT(protocol.lines, ElementsAre("a\nb", "lf", "c", "d\r"));
}

TEST(LineOnlyReceiver, LongLineArrivingInSmallChunks) {
  // A line of a megabyte, 7 bytes at a time: carried and completed, never rescanned whole
  // for each chunk.
  fakes::StringTransport transport;
  Lines protocol(LineDelimiter::crlf(), 1 << 20);
  transport.connect(protocol);
  const std::string line((1 << 20) - 1, 'x');
  for (std::size_t i = 0; i < line.size(); i += 7) transport.receive(line.substr(i, 7));
  transport.receive("\r\n");
  ASSERT_EQ(protocol.lines.size(), 1u);
  EXPECT_EQ(protocol.lines[0], line);
}

}  // namespace
}  // namespace kit::protocols
