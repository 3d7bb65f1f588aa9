#include "protocols/basic/int32_string_receiver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
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

std::string prefixed(std::string_view s) {
  const auto n = static_cast<std::uint32_t>(s.size());
  std::string out{static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                  static_cast<char>(n)};
  return out + std::string(s);
}

class Strings : public Int32StringReceiver {
 public:
  using Int32StringReceiver::Int32StringReceiver;
  void string_received(std::string_view s) override {
    strings.emplace_back(s);
    if (on_string) on_string(s);
  }
  void length_limit_exceeded(std::uint32_t length) override {
    lengths.push_back(length);
    if (keep_open) return;
    Int32StringReceiver::length_limit_exceeded(length);
  }
  std::vector<std::string> strings;
  std::vector<std::uint32_t> lengths;
  bool keep_open = false;
  std::function<void(std::string_view)> on_string;
};

class Int32StringReceiverTest : public ::testing::Test {
 protected:
  void SetUp() override { transport_.connect(protocol_); }
  fakes::StringTransport transport_;
  Strings protocol_{50};
};

TEST_F(Int32StringReceiverTest, ReceivesStringsByteByByte) {
  // Twisted's IntNTestCaseMixin.test_receive.
  const std::vector<std::string> strings = {"a", "b" + std::string(30, 'c'), "", "\0\xff"};
  std::string wire;
  for (const std::string& s : strings) wire += prefixed(s);
  testing::deliver(transport_, testing::split_every(wire, 1));
  EXPECT_THAT(protocol_.strings, ElementsAreArray(strings));
}

TEST_F(Int32StringReceiverTest, EveryChunkingGivesTheSameStrings) {
  const std::string wire = prefixed("ab") + prefixed("") + prefixed("c");
  ASSERT_EQ(wire.size(), 15u);
  for (const testing::Chunking& chunks : testing::all_chunkings(wire)) {
    fakes::StringTransport transport;
    Strings protocol;
    transport.connect(protocol);
    testing::deliver(transport, chunks);
    EXPECT_THAT(protocol.strings, ElementsAre("ab", "", "c")) << ::testing::PrintToString(chunks);
  }
}

TEST_F(Int32StringReceiverTest, PartialStringsDeliverNothing) {
  // Twisted's test_partial.
  for (const std::string& partial :
       {std::string("\0\0\0", 3), std::string("\0\0\0\x05hell", 8), std::string("\0\0\0\x01", 4)}) {
    fakes::StringTransport transport;
    Strings protocol;
    transport.connect(protocol);
    testing::deliver(transport, testing::split_every(partial, 1));
    EXPECT_THAT(protocol.strings, IsEmpty());
    EXPECT_EQ(protocol.buffered_size(), partial.size());
  }
}

TEST_F(Int32StringReceiverTest, SendStringPrefixesTheLength) {
  protocol_.send_string(std::string(16, 'b'));
  EXPECT_EQ(transport_.value(), prefixed(std::string(16, 'b')));
  transport_.clear();
  protocol_.send_string("");
  EXPECT_EQ(transport_.value(), std::string(4, '\0'));
}

TEST_F(Int32StringReceiverTest, LengthOverTheMaximumIsReportedAsSoonAsThePrefixArrives) {
  // Twisted's test_lengthLimitExceeded and test_longStringNotDelivered.
  transport_.receive(std::string("\0\0\0", 3));
  EXPECT_THAT(protocol_.lengths, IsEmpty());
  transport_.receive(std::string("\x33", 1) + std::string(51, 'x'));  // 51 > 50
  EXPECT_THAT(protocol_.lengths, ElementsAre(51u));
  EXPECT_THAT(protocol_.strings, IsEmpty());
  EXPECT_FALSE(transport_.connected());
}

TEST_F(Int32StringReceiverTest, ExactlyTheMaximumIsDelivered) {
  transport_.receive(prefixed(std::string(50, 'x')));
  EXPECT_THAT(protocol_.strings, ElementsAre(std::string(50, 'x')));
  EXPECT_THAT(protocol_.lengths, IsEmpty());
}

TEST_F(Int32StringReceiverTest, KeptConnectionSkipsTheRefusedStringWithoutBufferingIt) {
  protocol_.keep_open = true;
  const std::string huge("\xff\xff\xff\xff", 4);  // 4 GiB - 1 announced
  transport_.receive(huge);
  transport_.receive(std::string(1000, 'x'));
  EXPECT_THAT(protocol_.lengths, ElementsAre(0xffffffffu));
  EXPECT_EQ(protocol_.buffered_size(), 0u);

  Strings small(3);
  fakes::StringTransport transport;
  transport.connect(small);
  small.keep_open = true;
  testing::deliver(transport, testing::split_every(prefixed("toolong") + prefixed("ok"), 3));
  EXPECT_THAT(small.lengths, ElementsAre(7u));
  EXPECT_THAT(small.strings, ElementsAre("ok"));
}

TEST_F(Int32StringReceiverTest, ClosingInACallbackStopsTheRest) {
  protocol_.on_string = [&](std::string_view) { protocol_.transport()->lose_connection(); };
  transport_.receive(prefixed("a") + prefixed("b"));
  EXPECT_THAT(protocol_.strings, ElementsAre("a"));
}

TEST_F(Int32StringReceiverTest, PauseInACallbackHoldsTheRest) {
  protocol_.on_string = [&](std::string_view s) {
    if (s == "pause") protocol_.pause_reading();
  };
  transport_.receive(prefixed("pause") + prefixed("b") + std::string("\0\0", 2));
  EXPECT_THAT(protocol_.strings, ElementsAre("pause"));
  protocol_.resume_reading();
  transport_.receive(std::string("\0\x01", 2) + "c");
  EXPECT_THAT(protocol_.strings, ElementsAre("pause", "b", "c"));
}

TEST_F(Int32StringReceiverTest, StringsInsideAChunkAreNotCopied) {
  std::vector<const char*> starts;
  protocol_.on_string = [&](std::string_view s) { starts.push_back(s.data()); };
  const std::string chunk = prefixed("one") + prefixed("two");
  transport_.receive(chunk);
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[0], chunk.data() + 4);
  EXPECT_EQ(starts[1], chunk.data() + 11);
}

}  // namespace
}  // namespace kit::protocols
