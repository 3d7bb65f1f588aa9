#include "protocols/policies/line_deadline_factory.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "fakes/fake_clock.h"
#include "fakes/fake_context.h"
#include "fakes/string_transport.h"
#include "kit/factory.h"
#include "protocols/line/line_protocol.h"

namespace kit::protocols {
namespace {

using fakes::seconds;

// A line protocol behind the layer, on a StringTransport and the context's FakeClock.
class LineDeadline {
 public:
  explicit LineDeadline(Duration timeout = seconds(30)) : factory_(lines_, timeout) {
    protocol_ = factory_.build_protocol(Address::tcp("192.0.2.1", 1));
    transport_.set_context(context_);
    transport_.connect(*protocol_);
  }

  fakes::FakeClock& clock() { return context_.clock(); }
  fakes::StringTransport& transport() { return transport_; }

 private:
  fakes::FakeContext context_;
  FunctionFactory lines_{[](const Address&) { return std::make_unique<LineProtocol>(); }};
  LineDeadlineFactory factory_;
  fakes::StringTransport transport_;
  std::unique_ptr<Protocol> protocol_;
};

TEST(LineDeadlineFactory, ALineTrickledPastTheDeadlineIsAnsweredAndClosed) {
  LineDeadline c(seconds(30));
  for (int i = 0; i < 29; ++i) {
    c.transport().receive("x");
    c.clock().advance(seconds(1));
  }
  EXPECT_TRUE(c.transport().connected()) << "29 s into a line of 30 s";
  c.transport().receive("x");
  c.clock().advance(seconds(1));
  EXPECT_EQ(c.transport().take(), "error: line timeout\r\n");
  EXPECT_FALSE(c.transport().connected());
  EXPECT_TRUE(c.transport().lost_reason()->is(errc::connection_done));
}

TEST(LineDeadlineFactory, ALineCompletedInTimeIsAnsweredAndTheNextLineGetsAFreshDeadline) {
  LineDeadline c(seconds(30));
  c.transport().receive("hel");
  c.clock().advance(seconds(29));
  c.transport().receive("lo\n");
  EXPECT_EQ(c.transport().take(), "You said: hello\r\n");
  c.transport().receive("ag");
  c.clock().advance(seconds(29));
  EXPECT_TRUE(c.transport().connected()) << "the second line's deadline starts at its first byte";
  c.transport().receive("ain\n");
  EXPECT_EQ(c.transport().take(), "You said: again\r\n");
  c.clock().advance(seconds(3600));
  EXPECT_TRUE(c.transport().connected()) << "no partial line, no deadline";
}

TEST(LineDeadlineFactory, BytesAfterALineFeedStartTheNextLinesDeadline) {
  LineDeadline c(seconds(30));
  c.transport().receive("one\ntw");
  c.clock().advance(seconds(30));
  EXPECT_EQ(c.transport().take(), "You said: one\r\nerror: line timeout\r\n");
  EXPECT_FALSE(c.transport().connected());
}

TEST(LineDeadlineFactory, NoDeadlineWithoutAPartialLine) {
  LineDeadline c(seconds(30));
  c.clock().advance(seconds(3600));
  EXPECT_TRUE(c.transport().connected());
  EXPECT_EQ(c.transport().take(), "");
}

TEST(LineDeadlineFactory, TheDeadlineIsCancelledWhenTheConnectionIsLost) {
  LineDeadline c(seconds(30));
  c.transport().receive("partial");
  c.transport().lose_from_peer();
  EXPECT_FALSE(c.transport().connected());
  EXPECT_EQ(c.clock().pending(), 0u) << "the deadline outlived the connection";
}

TEST(LineDeadlineFactory, RefusesANonPositiveTimeout) {
  FunctionFactory lines{[](const Address&) { return std::make_unique<LineProtocol>(); }};
  EXPECT_THROW(LineDeadlineFactory(lines, seconds(0)), std::invalid_argument);
  EXPECT_THROW(LineDeadlineFactory(lines, seconds(-1)), std::invalid_argument);
}

// Lines that each complete within the deadline get the same answers however the input is
// cut, and however the time between the pieces is spread, as long as no line takes longer.
RC_GTEST_PROP(LineDeadlineFactory, AnyChunkingOfTimelyLinesGivesTheSameAnswers, ()) {
  const auto lines = *rc::gen::container<std::vector<std::string>>(
      rc::gen::container<std::string>(rc::gen::elementOf(std::string("ab c"))));
  std::string input;
  for (const auto& line : lines) input += line + "\n";
  const auto cuts = *rc::gen::container<std::vector<std::size_t>>(
      rc::gen::inRange<std::size_t>(0, input.size() + 1));

  LineDeadline whole(seconds(30));
  whole.transport().receive(input);

  LineDeadline chunked(seconds(30));
  std::size_t at = 0;
  for (std::size_t cut : cuts) {
    if (cut <= at) continue;
    chunked.transport().receive(std::string_view(input).substr(at, cut - at));
    // Under a line's deadline even if every piece of one line waited this long.
    chunked.clock().advance(seconds(30.0 / static_cast<double>(input.size() + 1)));
    at = cut;
  }
  if (at < input.size()) chunked.transport().receive(std::string_view(input).substr(at));
  RC_ASSERT(chunked.transport().value() == whole.transport().value());
  RC_ASSERT(chunked.transport().connected());
}

}  // namespace
}  // namespace kit::protocols
