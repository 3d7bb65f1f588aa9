#include "fakes/fault_injecting_layer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakes/fake_context.h"
#include "fakes/loopback.h"
#include "fakes/string_transport.h"
#include "kit/protocol_wrapper.h"
#include "testing/scripted_protocol.h"

namespace kit::fakes {
namespace {

using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Le;
using ::testing::SizeIs;

using testing::ScriptedProtocol;

// Writes down each write that reaches it, so a test sees how the layer above cut them.
class WriteRecorder : public ProtocolWrapper {
 public:
  using ProtocolWrapper::ProtocolWrapper;
  void write(std::string_view data) override {
    writes.emplace_back(data);
    ProtocolWrapper::write(data);
  }
  std::vector<std::string> writes;
};

class ProducerLog : public Producer {
 public:
  void pause_producing() override { events.push_back("pause"); }
  void resume_producing() override { events.push_back("resume"); }
  void stop_producing() override { events.push_back("stop"); }
  std::vector<std::string> events;
};

// A protocol under a FaultInjectingLayer under a WriteRecorder on a StringTransport whose
// context is the test's.
class FaultInjectingLayerTest : public ::testing::Test {
 protected:
  void connect(FaultPlan plan) {
    auto protocol = std::make_unique<ScriptedProtocol>();
    protocol_ = protocol.get();
    auto layer = std::make_unique<FaultInjectingLayer>(std::move(protocol), std::move(plan), &log_);
    layer_ = layer.get();
    recorder_ = std::make_unique<WriteRecorder>(std::move(layer));
    transport_.set_context(context_);
    transport_.set_clock(&context_.clock());
    transport_.connect(*recorder_);
  }
  // write: the protocol writes, as protocol code (a driving call).
  void write(std::string data) {
    StringTransport::drive([this, data] { protocol_->transport()->write(data); });
  }
  void request(void (Transport::*what)()) {
    StringTransport::drive([this, what] { (protocol_->transport()->*what)(); });
  }

  FakeContext context_{/*seed=*/1};
  StringTransport transport_;
  FaultLog log_;
  ScriptedProtocol* protocol_ = nullptr;
  FaultInjectingLayer* layer_ = nullptr;
  std::unique_ptr<WriteRecorder> recorder_;
};

TEST_F(FaultInjectingLayerTest, InjectingNothingPassesEverythingThroughAtOnce) {
  connect({});
  transport_.receive("hello");
  write("world");
  EXPECT_EQ(protocol_->received(), "hello");
  EXPECT_EQ(transport_.value(), "world");
  EXPECT_THAT(recorder_->writes, ElementsAre("world"));
  EXPECT_FALSE(layer_->hit());
  EXPECT_EQ(log_.operations, 2u);
  EXPECT_EQ(log_.bytes_in, 5u);
  EXPECT_EQ(log_.bytes_out, 5u);
}

TEST_F(FaultInjectingLayerTest, SplitsWritesByAScriptOfSizesOverAndOver) {
  connect({.piece_sizes = {1, 3}});
  write("abcdefghij");
  EXPECT_THAT(recorder_->writes, ElementsAre("a", "bcd", "e", "fgh", "i", "j"));
  EXPECT_EQ(transport_.value(), "abcdefghij");
}

// The writes a StringTransport gets from one write of `data` through a layer with `plan`.
std::vector<std::string> pieces_of(const std::string& data, FaultPlan plan) {
  auto protocol = std::make_unique<ScriptedProtocol>();
  ScriptedProtocol& p = *protocol;
  WriteRecorder recorder(std::make_unique<FaultInjectingLayer>(std::move(protocol), plan));
  StringTransport transport;
  transport.connect(recorder);
  StringTransport::drive([&] { p.transport()->write(data); });
  EXPECT_EQ(transport.value(), data);
  return recorder.writes;
}

TEST(FaultInjectingLayerSplitting, SplitsWritesIntoSeededPiecesTheSameForTheSameSeed) {
  const std::string data(200, 'x');
  const std::vector<std::string> first = pieces_of(data, {.max_piece = 4, .seed = 9});
  EXPECT_THAT(first, Each(SizeIs(Le(4u))));
  EXPECT_GT(first.size(), 200u / 4);
  EXPECT_EQ(pieces_of(data, {.max_piece = 4, .seed = 9}), first);
  EXPECT_NE(pieces_of(data, {.max_piece = 4, .seed = 10}), first);
}

TEST_F(FaultInjectingLayerTest, DelaysEachPieceOnTheClockInOrder) {
  connect({.piece_sizes = {2}, .delay = std::chrono::seconds(1)});
  write("abcd");
  write("ef");
  EXPECT_EQ(transport_.value(), "");
  EXPECT_EQ(layer_->write_buffer_size(), 6u);
  context_.clock().advance(std::chrono::seconds(1));
  EXPECT_EQ(transport_.value(), "ab");
  context_.clock().advance(std::chrono::seconds(1));
  EXPECT_EQ(transport_.value(), "abcd");
  EXPECT_EQ(layer_->write_buffer_size(), 2u);
  context_.clock().advance(std::chrono::seconds(5));
  EXPECT_EQ(transport_.value(), "abcdef");
  EXPECT_EQ(layer_->write_buffer_size(), 0u);
}

TEST_F(FaultInjectingLayerTest, LoseConnectionWaitsForDelayedBytes) {
  connect({.delay = std::chrono::seconds(2)});
  write("last words");
  request(&Transport::lose_connection);
  EXPECT_TRUE(layer_->disconnecting());
  write("ignored");
  EXPECT_TRUE(transport_.connected());
  context_.clock().advance(std::chrono::seconds(2));
  EXPECT_EQ(transport_.value(), "last words");
  EXPECT_FALSE(transport_.connected());
  ASSERT_TRUE(protocol_->history().lost.has_value());
  EXPECT_TRUE(protocol_->history().lost->is(errc::connection_done));
}

TEST_F(FaultInjectingLayerTest, AbortDropsDelayedBytes) {
  connect({.delay = std::chrono::seconds(2)});
  write("never sent");
  request(&Transport::abort_connection);
  context_.clock().advance(std::chrono::seconds(5));
  EXPECT_EQ(transport_.value(), "");
  EXPECT_TRUE(transport_.aborted());
  ASSERT_TRUE(protocol_->history().lost.has_value());
  EXPECT_TRUE(protocol_->history().lost->is(errc::connection_aborted));
}

TEST_F(FaultInjectingLayerTest, PausesTheProducerAboveWhileDelayedBytesPassTheHighWaterMark) {
  connect({.delay = std::chrono::seconds(1)});
  ProducerLog producer;
  StringTransport::drive([&] {
    protocol_->transport()->set_write_buffer_limits(10, 4);
    protocol_->transport()->register_producer(producer);
    protocol_->transport()->write("0123456789");  // at the mark: not above it
  });
  EXPECT_THAT(producer.events, ElementsAre());
  write("A");
  EXPECT_THAT(producer.events, ElementsAre("pause"));
  context_.clock().advance(std::chrono::milliseconds(999));
  EXPECT_THAT(producer.events, ElementsAre("pause"));
  context_.clock().advance(std::chrono::milliseconds(1));  // 1 byte still held: below the low mark
  EXPECT_THAT(producer.events, ElementsAre("pause", "resume"));
  EXPECT_EQ(transport_.value(), "0123456789");
  context_.clock().advance(std::chrono::seconds(1));
  EXPECT_EQ(transport_.value(), "0123456789A");
}

TEST_F(FaultInjectingLayerTest, StopsReadingWhileAnAnswerIsHeldAboveTheHighWaterMark) {
  connect({.delay = std::chrono::seconds(1)});
  protocol_->on_data = [](ScriptedProtocol& p, std::string_view) {
    p.transport()->write(std::string(20, 'x'));
  };
  StringTransport::drive([&] { protocol_->transport()->set_write_buffer_limits(10, 4); });
  transport_.receive("a");
  transport_.receive("b");
  EXPECT_EQ(protocol_->received(), "a");              // the answer to "a" waits in the layer
  context_.clock().advance(std::chrono::seconds(1));  // it goes; reading resumes
  EXPECT_EQ(protocol_->received(), "ab");
  EXPECT_EQ(transport_.value(), std::string(20, 'x'));
  context_.clock().advance(std::chrono::seconds(1));
  EXPECT_EQ(transport_.value(), std::string(40, 'x'));
}

TEST_F(FaultInjectingLayerTest, BackPressureOffReadsOnWhateverIsHeld) {
  connect({.delay = std::chrono::seconds(1)});
  protocol_->on_data = [](ScriptedProtocol& p, std::string_view) {
    p.transport()->write(std::string(20, 'x'));
  };
  StringTransport::drive([&] {
    protocol_->transport()->set_write_buffer_limits(10, 4);
    protocol_->transport()->set_back_pressure(false);
  });
  transport_.receive("a");
  transport_.receive("b");
  EXPECT_EQ(protocol_->received(), "ab");
}

TEST_F(FaultInjectingLayerTest, CutInboundWithResetDeliversTheBytesBeforeTheOffsetOnly) {
  connect({.cut = FaultCut{.direction = FaultDirection::inbound, .offset = 7}});
  transport_.receive("abcd");
  transport_.receive("efghij");
  EXPECT_EQ(protocol_->received(), "abcdefg");
  EXPECT_TRUE(transport_.aborted());
  ASSERT_TRUE(protocol_->history().lost.has_value());
  EXPECT_TRUE(protocol_->history().lost->is(errc::connection_lost));
  EXPECT_THAT(protocol_->history().lost->message(),
              HasSubstr("fault injected: cut inbound at byte 7: reset"));
  EXPECT_THAT(log_.hits, ElementsAre("cut inbound at byte 7: reset"));
}

TEST_F(FaultInjectingLayerTest, CutInboundAtOffsetZeroDeliversNothing) {
  connect({.cut = FaultCut{.direction = FaultDirection::inbound, .offset = 0}});
  transport_.receive("abc");
  EXPECT_EQ(protocol_->received(), "");
  EXPECT_TRUE(layer_->hit());
}

TEST_F(FaultInjectingLayerTest, ACutAtTheEndOfTheStreamIsNoCut) {
  connect({.cut = FaultCut{.direction = FaultDirection::inbound, .offset = 3}});
  transport_.receive("abc");
  EXPECT_EQ(protocol_->received(), "abc");
  EXPECT_FALSE(layer_->hit());
  EXPECT_TRUE(transport_.connected());
}

TEST_F(FaultInjectingLayerTest, CutInboundWithCloseEndsCleanlyAfterWhatWasWritten) {
  connect({.cut = FaultCut{
               .direction = FaultDirection::inbound, .offset = 2, .ending = FaultEnding::close}});
  protocol_->on_data = [](ScriptedProtocol& p, std::string_view data) {
    p.transport()->write(std::string("got ") + std::string(data));
  };
  transport_.receive("abc");
  EXPECT_EQ(protocol_->received(), "ab");
  EXPECT_EQ(transport_.value(), "got ab");
  EXPECT_FALSE(transport_.aborted());
  ASSERT_TRUE(protocol_->history().lost.has_value());
  EXPECT_TRUE(protocol_->history().lost->is(errc::connection_done));
}

TEST_F(FaultInjectingLayerTest, CutOutboundWithResetSendsTheBytesBeforeTheOffset) {
  connect({.cut = FaultCut{.direction = FaultDirection::outbound, .offset = 5}});
  write("abc");
  write("defgh");
  write("more");
  EXPECT_EQ(transport_.value(), "abcde");
  EXPECT_TRUE(transport_.aborted());
  ASSERT_TRUE(protocol_->history().lost.has_value());
  EXPECT_TRUE(protocol_->history().lost->is(errc::connection_lost));
}

TEST_F(FaultInjectingLayerTest, CutOutboundWithCloseSendsThePrefixThenCloses) {
  connect({.cut = FaultCut{
               .direction = FaultDirection::outbound, .offset = 5, .ending = FaultEnding::close}});
  write("abcdefgh");
  EXPECT_EQ(transport_.value(), "abcde");
  EXPECT_FALSE(transport_.aborted());
  ASSERT_TRUE(protocol_->history().lost.has_value());
  EXPECT_TRUE(protocol_->history().lost->is(errc::connection_done));
}

TEST_F(FaultInjectingLayerTest, CutOutboundWithCloseStillSendsDelayedBytesFirst) {
  connect({.delay = std::chrono::seconds(1),
           .cut = FaultCut{
               .direction = FaultDirection::outbound, .offset = 3, .ending = FaultEnding::close}});
  write("abcdef");
  EXPECT_TRUE(transport_.connected());
  context_.clock().advance(std::chrono::seconds(1));
  EXPECT_EQ(transport_.value(), "abc");
  EXPECT_FALSE(transport_.connected());
  EXPECT_FALSE(transport_.aborted());
}

TEST_F(FaultInjectingLayerTest, AStallGoesSilentUntilTheProtocolGivesUp) {
  connect({.cut = FaultCut{
               .direction = FaultDirection::inbound, .offset = 3, .ending = FaultEnding::stall}});
  transport_.receive("abcdef");
  transport_.receive("more");
  write("unheard");
  EXPECT_EQ(protocol_->received(), "abc");
  EXPECT_EQ(transport_.value(), "");
  EXPECT_TRUE(layer_->hit());
  EXPECT_FALSE(layer_->disconnecting());  // nothing says the connection is gone
  EXPECT_TRUE(transport_.connected());
  request(&Transport::lose_connection);  // the protocol's own timeout, say
  ASSERT_TRUE(protocol_->history().lost.has_value());
  EXPECT_TRUE(protocol_->history().lost->is(errc::connection_done));
  EXPECT_THAT(log_.hits, ElementsAre("cut inbound at byte 3: stall"));
}

TEST_F(FaultInjectingLayerTest, AStallLosesWhatADelayStillHeld) {
  connect(
      {.delay = std::chrono::seconds(1), .fail_operation = 2, .fail_ending = FaultEnding::stall});
  write("held");
  transport_.receive("x");  // operation 2: stalls
  context_.clock().advance(std::chrono::seconds(5));
  EXPECT_EQ(transport_.value(), "");
  EXPECT_EQ(layer_->write_buffer_size(), 0u);
  EXPECT_TRUE(transport_.connected());
}

TEST_F(FaultInjectingLayerTest, FailsTheNthOperationCountingWritesAndDeliveries) {
  connect({.fail_operation = 3});
  transport_.receive("one");    // 1
  write("two");                 // 2
  transport_.receive("three");  // 3: fails, not delivered
  EXPECT_EQ(protocol_->received(), "one");
  EXPECT_EQ(transport_.value(), "two");
  EXPECT_TRUE(transport_.aborted());
  EXPECT_THAT(log_.hits, ElementsAre("operation 3 (data_received of 5 bytes) failed: reset"));
  ASSERT_TRUE(protocol_->history().lost.has_value());
  EXPECT_TRUE(protocol_->history().lost->is(errc::connection_lost));
}

TEST_F(FaultInjectingLayerTest, AFailedWriteIsNotSentAndCanEndTheConnectionCleanly) {
  connect({.fail_operation = 2, .fail_ending = FaultEnding::close});
  write("sent");
  write("failed");
  EXPECT_EQ(transport_.value(), "sent");
  EXPECT_FALSE(transport_.aborted());
  ASSERT_TRUE(protocol_->history().lost.has_value());
  EXPECT_TRUE(protocol_->history().lost->is(errc::connection_done));
}

TEST_F(FaultInjectingLayerTest, ConnectionLostComesLaterNotFromInsideTheFaultedWrite) {
  connect({.fail_operation = 1});
  std::size_t lost_inside = 0;
  StringTransport::drive([&] {
    protocol_->transport()->write("x");
    lost_inside = protocol_->history().has_lost() ? 1 : 0;
  });
  EXPECT_EQ(lost_inside, 0u);
  EXPECT_TRUE(protocol_->history().has_lost());
}

// An echo server under a layer with `plan`, and a client that sends "echo me", over a
// loopback pair.
struct EchoOverLoopback {
  explicit EchoOverLoopback(FaultPlan plan) {
    auto protocol = std::make_unique<ScriptedProtocol>();
    server = protocol.get();
    server->on_data = [](ScriptedProtocol& p, std::string_view data) {
      p.transport()->write(data);
    };
    layer = std::make_unique<FaultInjectingLayer>(std::move(protocol), std::move(plan));
    pair.emplace(client, *layer);
    client.request([](Transport& t) { t.write("echo me"); });
    pair->pump();
  }
  ScriptedProtocol client;
  ScriptedProtocol* server = nullptr;
  std::unique_ptr<FaultInjectingLayer> layer;
  std::optional<LoopbackPair> pair;
};

TEST(FaultInjectingLayerOverLoopback, AResetReachesThePeerAsALostConnection) {
  EchoOverLoopback run({.cut = FaultCut{.direction = FaultDirection::outbound, .offset = 4}});
  // A reset drops what the transport below still held: the 4 bytes never left.
  EXPECT_EQ(run.client.received(), "");
  ASSERT_TRUE(run.client.history().lost.has_value());
  EXPECT_TRUE(run.client.history().lost->is(errc::connection_lost));
  ASSERT_TRUE(run.server->history().lost.has_value());
  EXPECT_TRUE(run.server->history().lost->is(errc::connection_lost));
}

TEST(FaultInjectingLayerOverLoopback, ACloseSendsThePrefixAndEndsCleanlyForThePeer) {
  EchoOverLoopback run(
      {.cut = FaultCut{
           .direction = FaultDirection::outbound, .offset = 4, .ending = FaultEnding::close}});
  EXPECT_EQ(run.client.received(), "echo");
  ASSERT_TRUE(run.client.history().lost.has_value());
  EXPECT_TRUE(run.client.history().lost->is(errc::connection_done));
}

TEST(FaultInjectingLayerOverLoopback, DelayedPiecesCrossWhenTheClockMoves) {
  FakeContext context(1);
  ScriptedProtocol client;
  auto protocol = std::make_unique<ScriptedProtocol>();
  ScriptedProtocol& server = *protocol;
  FaultInjectingLayer layer(std::move(protocol),
                            {.piece_sizes = {3}, .delay = std::chrono::milliseconds(10)});
  LoopbackPair pair(client, layer, {.context = &context});
  StringTransport::drive([&] { server.transport()->write("abcdefg"); });
  pair.pump();
  EXPECT_EQ(client.received(), "");
  context.clock().advance(std::chrono::milliseconds(10));
  pair.pump();
  EXPECT_EQ(client.received(), "abc");
  context.clock().advance(std::chrono::milliseconds(20));
  pair.pump();
  EXPECT_EQ(client.received(), "abcdefg");
}

TEST(FaultPlanToString, PrintsTheCxxThatMakesThePlan) {
  EXPECT_EQ(to_string(FaultPlan{}), "kit::fakes::FaultPlan{}");
  EXPECT_EQ(to_string(FaultPlan{.fail_operation = 3}),
            "kit::fakes::FaultPlan{.fail_operation = 3}");
  EXPECT_EQ(to_string(FaultPlan{.piece_sizes = {1, 2},
                                .delay = std::chrono::milliseconds(5),
                                .cut = FaultCut{.direction = FaultDirection::outbound,
                                                .offset = 12,
                                                .ending = FaultEnding::close}}),
            "kit::fakes::FaultPlan{.piece_sizes = {1, 2}, .delay = std::chrono::nanoseconds("
            "5000000), .cut = kit::fakes::FaultCut{.direction = "
            "kit::fakes::FaultDirection::outbound, .offset = 12, .ending = "
            "kit::fakes::FaultEnding::close}}");
  EXPECT_TRUE(FaultPlan{}.injects_nothing());
  EXPECT_TRUE(FaultPlan{.seed = 4}.injects_nothing());  // a seed alone splits nothing
}

}  // namespace
}  // namespace kit::fakes
