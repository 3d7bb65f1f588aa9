#include "protocols/basic/line_receiver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/fake_clock.h"
#include "fakes/string_transport.h"
#include "testing/generators/chunking.h"

namespace kit::protocols {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

// Records what it receives as "line:...", "raw:..." and "long:..." events, and runs the
// test's reactions.
class Recorder : public LineReceiver {
 public:
  using LineReceiver::LineReceiver;

  void line_received(std::string_view line) override {
    events.push_back("line:" + std::string(line));
    if (on_line) on_line(line);
  }
  void raw_data_received(std::string_view data) override {
    events.push_back("raw:" + std::string(data));
    if (on_raw) on_raw(data);
  }
  void line_length_exceeded(std::string_view line) override {
    events.push_back("long:" + std::string(line));
    if (on_long) {
      on_long(line);
    } else {
      LineReceiver::line_length_exceeded(line);
    }
  }
  void connection_lost(const Failure& reason) override {
    (void)reason;
    events.push_back("lost");
  }

  std::vector<std::string> events;
  std::function<void(std::string_view)> on_line;
  std::function<void(std::string_view)> on_raw;
  std::function<void(std::string_view)> on_long;
};

// Events of `protocol` once connected to `transport` and fed `chunks`.
std::vector<std::string> feed(fakes::StringTransport& transport, Recorder& protocol,
                              const testing::Chunking& chunks) {
  transport.connect(protocol);
  testing::deliver(transport, chunks);
  return protocol.events;
}

// The same on a transport that is gone afterwards: for tests that only look at events.
std::vector<std::string> feed(Recorder& protocol, const testing::Chunking& chunks) {
  fakes::StringTransport transport;
  std::vector<std::string> events = feed(transport, protocol, chunks);
  if (transport.connected()) transport.lose_from_peer();
  return events;
}

class LineReceiverTest : public ::testing::Test {
 protected:
  void connect(Protocol& protocol) { transport_.connect(protocol); }

  fakes::StringTransport transport_;
  fakes::FakeClock clock_;
};

TEST_F(LineReceiverTest, DeliversEachLineWithoutItsDelimiter) {
  Recorder protocol;
  connect(protocol);
  transport_.receive("hello\r\nworld\r\n");
  EXPECT_THAT(protocol.events, ElementsAre("line:hello", "line:world"));
  EXPECT_EQ(protocol.buffered_size(), 0u);
}

TEST_F(LineReceiverTest, DelimiterSplitAcrossChunks) {
  Recorder protocol;
  connect(protocol);
  transport_.receive("ab\r");
  EXPECT_THAT(protocol.events, IsEmpty());
  transport_.receive("\ncd\r");
  EXPECT_THAT(protocol.events, ElementsAre("line:ab"));
  transport_.receive("\n");
  EXPECT_THAT(protocol.events, ElementsAre("line:ab", "line:cd"));
}

TEST_F(LineReceiverTest, EveryChunkingGivesTheSameLines) {
  for (const testing::Chunking& chunks : testing::all_chunkings("ab\r\n\r\ncd\r\nef")) {
    Recorder protocol;
    EXPECT_THAT(feed(protocol, chunks), ElementsAre("line:ab", "line:", "line:cd"))
        << ::testing::PrintToString(chunks);
    EXPECT_EQ(protocol.buffered_size(), 2u);  // "ef" waits for its delimiter
  }
}

TEST_F(LineReceiverTest, LineStraddlingChunksIsDeliveredWhole) {
  Recorder protocol;
  connect(protocol);
  transport_.receive("ab");
  transport_.receive("cd");
  transport_.receive("ef\r\ngh");
  EXPECT_THAT(protocol.events, ElementsAre("line:abcdef"));
  EXPECT_EQ(protocol.clear_line_buffer(), "gh");
}

TEST_F(LineReceiverTest, ManyLinesInOneChunk) {
  std::string input;
  std::vector<std::string> expected;
  for (int i = 0; i < 10000; ++i) {
    input += "line " + std::to_string(i) + "\r\n";
    expected.push_back("line:line " + std::to_string(i));
  }
  Recorder protocol;
  connect(protocol);
  transport_.receive(input);
  EXPECT_THAT(protocol.events, ElementsAreArray(expected));
}

TEST_F(LineReceiverTest, EmptyLines) {
  Recorder protocol;
  connect(protocol);
  transport_.receive("\r\n\r\n");
  transport_.receive("\r");
  transport_.receive("\n");
  EXPECT_THAT(protocol.events, ElementsAre("line:", "line:", "line:"));
}

TEST_F(LineReceiverTest, LoneLfOrCrIsDataWhenLinesEndInCrlf) {
  Recorder protocol;
  connect(protocol);
  transport_.receive("a\nb\rc\r\r\n");
  EXPECT_THAT(protocol.events, ElementsAre("line:a\nb\rc\r"));
}

TEST_F(LineReceiverTest, BinaryBytesPassThrough) {
  Recorder protocol;
  connect(protocol);
  const std::string line("\0a\xff\x80\0", 5);
  transport_.receive(line + "\r\n");
  transport_.receive(std::string("\xff\xfe\0", 3));
  transport_.receive("\r\n");
  EXPECT_THAT(protocol.events, ElementsAre("line:" + line, "line:" + std::string("\xff\xfe\0", 3)));
}

TEST_F(LineReceiverTest, NulAsTheDelimiter) {
  Recorder protocol(LineDelimiter::custom(std::string_view("\0", 1)));
  connect(protocol);
  transport_.receive(std::string("a\r\n\0\0b", 6));
  transport_.receive(std::string("\0", 1));
  EXPECT_THAT(protocol.events, ElementsAre("line:a\r\n", "line:", "line:b"));
}

TEST_F(LineReceiverTest, MultiByteDelimiterSplitOverThreeChunks) {
  Recorder protocol(LineDelimiter::custom("END"));
  connect(protocol);
  transport_.receive("aE");
  transport_.receive("N");
  transport_.receive("DbENEND");
  EXPECT_THAT(protocol.events, ElementsAre("line:a", "line:bEN"));
}

TEST_F(LineReceiverTest, DelimiterThatOverlapsItself) {
  Recorder protocol(LineDelimiter::custom("aab"));
  connect(protocol);
  transport_.receive("xaaab");
  EXPECT_THAT(protocol.events, ElementsAre("line:xa"));
}

TEST_F(LineReceiverTest, LinesInsideAChunkAreNotCopied) {
  Recorder protocol;
  std::vector<const char*> starts;
  protocol.on_line = [&](std::string_view line) { starts.push_back(line.data()); };
  connect(protocol);
  const std::string chunk = "one\r\ntwo\r\nthr";
  transport_.receive(chunk);
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[0], chunk.data());
  EXPECT_EQ(starts[1], chunk.data() + 5);
  // The line that straddles chunks is copied, and the one after it is in place again.
  const std::string next = "ee\r\nfour\r\n";
  transport_.receive(next);
  ASSERT_EQ(starts.size(), 4u);
  EXPECT_EQ(starts[3], next.data() + 4);
  EXPECT_THAT(protocol.events, ElementsAre("line:one", "line:two", "line:three", "line:four"));
}

TEST_F(LineReceiverTest, SendLineAppendsTheDelimiter) {
  Recorder protocol;
  connect(protocol);
  protocol.send_line("hi");
  EXPECT_EQ(transport_.value(), "hi\r\n");

  fakes::StringTransport lf_transport;
  Recorder lf(LineDelimiter::lf_strip_cr());
  lf_transport.connect(lf);
  lf.send_line("hi");
  EXPECT_EQ(lf_transport.value(), "hi\r\n");  // text lines are answered with CRLF
}

// ---- maximum line length

TEST_F(LineReceiverTest, LineOfExactlyTheMaximumIsDelivered) {
  Recorder protocol(LineDelimiter::crlf(), 5);
  connect(protocol);
  transport_.receive("12345\r\n");
  EXPECT_THAT(protocol.events, ElementsAre("line:12345"));
  EXPECT_FALSE(transport_.disconnecting());
}

TEST_F(LineReceiverTest, LineOneByteOverTheMaximumClosesTheConnection) {
  Recorder protocol(LineDelimiter::crlf(), 5);
  connect(protocol);
  transport_.receive("123456\r\nnext\r\n");
  EXPECT_THAT(protocol.events, ElementsAre("long:123456", "lost"));
  EXPECT_TRUE(transport_.lost_reason()->is(errc::connection_done));
}

TEST_F(LineReceiverTest, OverlongLineIsReportedBeforeItsDelimiterArrives) {
  Recorder protocol(LineDelimiter::crlf(), 5);
  connect(protocol);
  transport_.receive("12345");
  EXPECT_THAT(protocol.events, IsEmpty());
  transport_.receive("6");
  EXPECT_THAT(protocol.events, ElementsAre("long:123456", "lost"));
}

TEST_F(LineReceiverTest, StartOfTheDelimiterDoesNotCountAgainstTheMaximum) {
  // Twisted's test_notQuiteMaximumLineLengthUnfinished: max bytes and a "\r" may still be
  // a line of exactly max bytes.
  Recorder protocol(LineDelimiter::crlf(), 5);
  connect(protocol);
  transport_.receive("12345\r");
  EXPECT_THAT(protocol.events, IsEmpty());
  transport_.receive("\nok\r\n");
  EXPECT_THAT(protocol.events, ElementsAre("line:12345", "line:ok"));
}

TEST_F(LineReceiverTest, CrStripModeCountsWithoutTheCr) {
  // Lines end in LF; a CR before it is removed and not counted. A buffer of max + 1 bytes
  // ending in CR is not yet over the limit, whatever the chunking.
  for (const testing::Chunking& chunks : testing::all_chunkings("1234\r\nab\ncd\r\n")) {
    Recorder protocol(LineDelimiter::lf_strip_cr(), 4);
    EXPECT_THAT(feed(protocol, chunks), ElementsAre("line:1234", "line:ab", "line:cd"))
        << ::testing::PrintToString(chunks);
  }
  for (const testing::Chunking& chunks : testing::all_chunkings("1234\rx\nab\n")) {
    Recorder protocol(LineDelimiter::lf_strip_cr(), 4);
    const std::vector<std::string> events = feed(protocol, chunks);
    ASSERT_EQ(events.size(), 2u) << ::testing::PrintToString(chunks);
    EXPECT_EQ(events[0].substr(0, 10), "long:1234\r") << ::testing::PrintToString(chunks);
    EXPECT_EQ(events[1], "lost");
  }
}

TEST_F(LineReceiverTest, CrInsideALineIsKeptInCrStripMode) {
  Recorder protocol(LineDelimiter::lf_strip_cr());
  connect(protocol);
  transport_.receive("a\rb\r\r\n\n\r\n");
  EXPECT_THAT(protocol.events, ElementsAre("line:a\rb\r", "line:", "line:"));
}

TEST_F(LineReceiverTest, KeptConnectionSkipsTheRestOfAnOverlongLine) {
  for (const testing::Chunking& chunks : testing::all_chunkings("xxxxxxxx\r\nok\r\n")) {
    Recorder protocol(LineDelimiter::crlf(), 4);
    protocol.on_long = [](std::string_view) {};  // keep the connection
    const std::vector<std::string> events = feed(protocol, chunks);
    ASSERT_EQ(events.size(), 2u) << ::testing::PrintToString(chunks);
    EXPECT_EQ(events[0].substr(0, 10), "long:xxxxx");
    EXPECT_EQ(events[1], "line:ok");
  }
}

TEST_F(LineReceiverTest, DelimiterSplitRightAfterAnOverlongPartIsFound) {
  Recorder protocol(LineDelimiter::crlf(), 2);
  protocol.on_long = [](std::string_view) {};
  connect(protocol);
  transport_.receive("xxxx\r");  // over: reported, the rest is being skipped
  transport_.receive("\nok\r\n");
  EXPECT_THAT(protocol.events, ElementsAre("long:xxxx\r", "line:ok"));
}

TEST_F(LineReceiverTest, MaximumChangedInsideACallbackAppliesToTheNextLine) {
  Recorder protocol(LineDelimiter::crlf(), 100);
  protocol.on_line = [&](std::string_view) { protocol.set_max_length(2); };
  protocol.on_long = [](std::string_view) {};
  connect(protocol);
  transport_.receive("first\r\nabc\r\nab\r\n");
  EXPECT_THAT(protocol.events, ElementsAre("line:first", "long:abc", "line:ab"));
}

// ---- raw mode

TEST_F(LineReceiverTest, RawModeFromALineTakesTheRestOfTheChunk) {
  Recorder protocol;
  protocol.on_line = [&](std::string_view) { protocol.set_raw_mode(); };
  connect(protocol);
  transport_.receive("go\r\nraw bytes\r\nmore");
  transport_.receive("later");
  EXPECT_THAT(protocol.events, ElementsAre("line:go", "raw:raw bytes\r\nmore", "raw:later"));
}

TEST_F(LineReceiverTest, LineModeFromRawDataParsesTheRestOfTheChunk) {
  Recorder protocol;
  protocol.set_raw_mode();
  protocol.on_raw = [&](std::string_view data) { protocol.set_line_mode(data.substr(3)); };
  connect(protocol);
  transport_.receive("abcline1\r\nline2\r\n");
  EXPECT_THAT(protocol.events,
              ElementsAre("raw:abcline1\r\nline2\r\n", "line:line1", "line:line2"));
}

TEST_F(LineReceiverTest, ExtraHandedBackIsNotCopied) {
  Recorder protocol;
  protocol.set_raw_mode();
  const std::string chunk = "abcline1\r\n";
  std::vector<const char*> starts;
  protocol.on_raw = [&](std::string_view data) { protocol.set_line_mode(data.substr(3)); };
  protocol.on_line = [&](std::string_view line) { starts.push_back(line.data()); };
  connect(protocol);
  transport_.receive(chunk);
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0], chunk.data() + 3);
}

TEST_F(LineReceiverTest, ExtraFromElsewhereIsParsedBeforeTheRest) {
  Recorder protocol;
  protocol.on_line = [&](std::string_view line) {
    if (line == "switch") protocol.set_raw_mode();
  };
  protocol.on_raw = [&](std::string_view) { protocol.set_line_mode("injected\r\n"); };
  connect(protocol);
  transport_.receive("switch\r\nR");
  transport_.receive("after\r\n");
  EXPECT_THAT(protocol.events, ElementsAre("line:switch", "raw:R", "line:injected", "line:after"));
}

// Twisted's LineTester: "len N" reads N raw bytes, appended to the previous event.
class LengthTester : public Recorder {
 public:
  LengthTester() : Recorder(LineDelimiter::lf(), 64) {
    on_line = [this](std::string_view line) {
      if (line.empty()) {
        set_raw_mode();
      } else if (line.substr(0, 4) == "len ") {
        length_ = std::stoul(std::string(line.substr(4)));
      }
    };
    on_raw = [this](std::string_view data) {
      std::string_view mine = data.substr(0, length_);
      length_ -= mine.size();
      events.pop_back();
      events.back() += std::string(mine);
      if (length_ == 0) set_line_mode(data.substr(mine.size()));
    };
    on_long = [](std::string_view) {};
  }

 private:
  std::size_t length_ = 0;
};

TEST_F(LineReceiverTest, TwistedBufferInEveryPacketSize) {
  const std::string buffer =
      "len 10\n\n0123456789len 5\n\n1234\nlen 20\nfoo 123\n\n0123456789\n012345678len 0\nfoo "
      "5\n\n1234567890123456789012345678901234567890123456789012345678901234567890\nlen 1\n\na";
  // As Twisted's test_buffer, except that the rest of the 70-byte line is skipped instead
  // of being read as a line of its own.
  const std::vector<std::string> expected = {"line:len 10",
                                             "line:0123456789",
                                             "line:len 5",
                                             "line:1234\n",
                                             "line:len 20",
                                             "line:foo 123",
                                             "line:0123456789\n012345678",
                                             "line:len 0",
                                             "line:foo 5",
                                             "line:",
                                             "line:len 1",
                                             "line:a"};
  for (std::size_t size = 1; size <= 20; ++size) {
    LengthTester protocol;
    std::vector<std::string> events = feed(protocol, testing::split_every(buffer, size));
    std::erase_if(events, [](const std::string& e) { return e.rfind("long:", 0) == 0; });
    EXPECT_THAT(events, ElementsAreArray(expected)) << "packet size " << size;
  }
}

TEST_F(LineReceiverTest, SwitchingModesOnEveryByteDoesNotRecurse) {
  // Twisted's test_stackRecursion: a line, then raw mode for one byte, many times over.
  class Flipper : public LineReceiver {
   public:
    Flipper() : LineReceiver(LineDelimiter::lf()) {}
    void line_received(std::string_view line) override {
      lines += line;
      set_raw_mode();
    }
    void raw_data_received(std::string_view data) override { set_line_mode(data.substr(1)); }
    std::string lines;
  };
  Flipper protocol;
  connect(protocol);
  std::string input;
  for (int i = 0; i < 100000; ++i) input += "x\nx";
  transport_.receive(input);
  EXPECT_EQ(protocol.lines, std::string(100000, 'x'));
}

TEST_F(LineReceiverTest, RawModeOutsideACallbackDeliversTheBufferedPartialLine) {
  Recorder protocol;
  connect(protocol);
  transport_.receive("partial");
  protocol.set_raw_mode();
  EXPECT_THAT(protocol.events, ElementsAre("raw:partial"));
}

TEST_F(LineReceiverTest, LineModeOutsideACallbackDeliversLinesOfTheExtraAtOnce) {
  Recorder protocol;
  connect(protocol);
  protocol.set_raw_mode();
  protocol.set_line_mode("a\r\nb");
  EXPECT_THAT(protocol.events, ElementsAre("line:a"));
  transport_.receive("\r\n");
  EXPECT_THAT(protocol.events, ElementsAre("line:a", "line:b"));
}

// ---- closing, pausing, clearing inside a callback

TEST_F(LineReceiverTest, LoseConnectionInsideLineReceivedStopsFurtherLines) {
  Recorder protocol;
  protocol.on_line = [&](std::string_view line) {
    if (line == "stop") protocol.transport()->lose_connection();
  };
  connect(protocol);
  transport_.receive("a\r\nstop\r\nb\r\nc");
  EXPECT_THAT(protocol.events, ElementsAre("line:a", "line:stop", "lost"));
}

TEST_F(LineReceiverTest, TwistedStopInEveryPacketSize) {
  // Twisted's test_stopProducing.
  const std::string buffer = "twiddle1\ntwiddle2\nstop\nmore\nstuff\n";
  for (std::size_t size = 1; size <= 10; ++size) {
    Recorder protocol(LineDelimiter::lf());
    protocol.on_line = [&](std::string_view line) {
      if (line == "stop") protocol.transport()->lose_connection();
    };
    EXPECT_THAT(feed(protocol, testing::split_every(buffer, size)),
                ElementsAre("line:twiddle1", "line:twiddle2", "line:stop", "lost"))
        << "packet size " << size;
  }
}

TEST_F(LineReceiverTest, PauseInsideLineReceivedHoldsTheRestUntilResumed) {
  Recorder protocol;
  protocol.on_line = [&](std::string_view line) {
    if (line == "pause") protocol.pause_reading();
  };
  connect(protocol);
  transport_.receive("a\r\npause\r\nb\r\nc");
  EXPECT_THAT(protocol.events, ElementsAre("line:a", "line:pause"));
  EXPECT_TRUE(protocol.reading_paused());
  EXPECT_TRUE(transport_.reading_paused());
  transport_.receive("\r\nd\r\n");  // held by the paused transport
  EXPECT_THAT(protocol.events, ElementsAre("line:a", "line:pause"));

  protocol.resume_reading();
  EXPECT_THAT(protocol.events, ElementsAre("line:a", "line:pause", "line:b", "line:c", "line:d"));
  EXPECT_FALSE(transport_.reading_paused());
}

TEST_F(LineReceiverTest, TwistedPausingInEveryPacketSize) {
  // Twisted's test_pausing: a line pauses, a timer resumes at once.
  const std::string buffer = "twiddle1\ntwiddle2\npause\ntwiddle3\n";
  for (std::size_t size = 1; size <= 10; ++size) {
    fakes::FakeClock clock;
    fakes::StringTransport transport;
    Recorder protocol(LineDelimiter::lf());
    DelayedCall resume;
    protocol.on_line = [&](std::string_view line) {
      if (line != "pause") return;
      protocol.pause_reading();
      resume = clock.call_later(Duration::zero(), [&] { protocol.resume_reading(); });
    };
    feed(transport, protocol, testing::split_every(buffer, size));
    EXPECT_THAT(protocol.events, ElementsAre("line:twiddle1", "line:twiddle2", "line:pause"))
        << "packet size " << size;
    clock.advance(Duration::zero());
    EXPECT_THAT(protocol.events,
                ElementsAre("line:twiddle1", "line:twiddle2", "line:pause", "line:twiddle3"))
        << "packet size " << size;
  }
}

TEST_F(LineReceiverTest, TwistedRawPausingInEveryPacketSize) {
  // Twisted's test_rawPausing: pause and go raw in the same line.
  const std::string buffer = "twiddle1\ntwiddle2\nlen 5\nrawpause\n12345twiddle3\n";
  for (std::size_t size = 1; size <= 10; ++size) {
    fakes::FakeClock clock;
    fakes::StringTransport transport;
    LengthTester protocol;
    DelayedCall resume;
    auto inner = protocol.on_line;
    protocol.on_line = [&](std::string_view line) {
      if (line != "rawpause") return inner(line);
      protocol.pause_reading();
      protocol.set_raw_mode();
      protocol.events.push_back("line:");
      resume = clock.call_later(Duration::zero(), [&] { protocol.resume_reading(); });
    };
    feed(transport, protocol, testing::split_every(buffer, size));
    EXPECT_THAT(protocol.events, ElementsAre("line:twiddle1", "line:twiddle2", "line:len 5",
                                             "line:rawpause", "line:"))
        << "packet size " << size;
    clock.advance(Duration::zero());
    EXPECT_THAT(protocol.events, ElementsAre("line:twiddle1", "line:twiddle2", "line:len 5",
                                             "line:rawpause", "line:12345", "line:twiddle3"))
        << "packet size " << size;
  }
}

TEST_F(LineReceiverTest, PauseAndResumeInTheSameCallbackGoesOn) {
  Recorder protocol;
  protocol.on_line = [&](std::string_view) {
    protocol.pause_reading();
    protocol.resume_reading();
  };
  connect(protocol);
  transport_.receive("a\r\nb\r\n");
  EXPECT_THAT(protocol.events, ElementsAre("line:a", "line:b"));
  EXPECT_FALSE(transport_.reading_paused());
}

TEST_F(LineReceiverTest, PauseInRawModeHoldsRawData) {
  Recorder protocol;
  protocol.set_raw_mode();
  connect(protocol);
  protocol.pause_reading();
  protocol.data_received("held");  // a transport may still hand over what it had read
  EXPECT_THAT(protocol.events, IsEmpty());
  EXPECT_EQ(protocol.buffered_size(), 4u);
  protocol.resume_reading();
  EXPECT_THAT(protocol.events, ElementsAre("raw:held"));
}

TEST_F(LineReceiverTest, ClearLineBufferInsideLineReceivedDropsTheRest) {
  // Twisted's test_clearLineBuffer.
  Recorder protocol;
  std::string rest;
  protocol.on_line = [&](std::string_view) { rest = protocol.clear_line_buffer(); };
  connect(protocol);
  transport_.receive("foo\r\nbar\r\nbaz");
  EXPECT_THAT(protocol.events, ElementsAre("line:foo"));
  EXPECT_EQ(rest, "bar\r\nbaz");
  transport_.receive("quux\r\n");
  EXPECT_THAT(protocol.events, ElementsAre("line:foo", "line:quux"));
  EXPECT_EQ(rest, "");
}

TEST_F(LineReceiverTest, DataReceivedFromInsideACallbackComesAfterTheChunk) {
  Recorder protocol;
  protocol.on_line = [&](std::string_view line) {
    if (line == "a") protocol.data_received("x\r\n");
  };
  connect(protocol);
  transport_.receive("a\r\nb\r\nc");
  EXPECT_THAT(protocol.events, ElementsAre("line:a", "line:b", "line:cx"));
  EXPECT_EQ(protocol.buffered_size(), 0u);
}

TEST_F(LineReceiverTest, NothingIsDeliveredAfterTheConnectionCloses) {
  Recorder protocol;
  connect(protocol);
  transport_.receive("partial");
  protocol.transport()->lose_connection();
  protocol.data_received("\r\nmore\r\n");  // a stray late call
  EXPECT_THAT(protocol.events, ElementsAre("lost"));
}

}  // namespace
}  // namespace kit::protocols
