#include "fakes/string_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/fake_clock.h"
#include "testing/scripted_protocol.h"

namespace kit::fakes {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using testing::ScriptedProtocol;

class CountingProducer : public Producer {
 public:
  void pause_producing() override { events.push_back("pause"); }
  void resume_producing() override { events.push_back("resume"); }
  void stop_producing() override { events.push_back("stop"); }
  std::vector<std::string> events;
};

TEST(StringTransport, ValueClearAndTake) {
  StringTransport transport;
  ScriptedProtocol protocol;
  protocol.on_made = [&](ScriptedProtocol&) { protocol.transport()->write("hello "); };
  transport.connect(protocol);
  transport.write("world");
  std::array<std::string_view, 2> pieces{"!", "?"};
  transport.write_sequence(pieces);
  EXPECT_EQ(transport.value(), "hello world!?");
  EXPECT_EQ(transport.take(), "hello world!?");
  EXPECT_EQ(transport.value(), "");
  transport.write(std::string_view("\0bin", 4));
  EXPECT_EQ(transport.value(), std::string("\0bin", 4)) << "binary-safe";
  transport.clear();
  EXPECT_EQ(transport.value(), "");
  EXPECT_EQ(transport.write_buffer_size(), 0u);
}

TEST(StringTransport, AddressesDefaultToTwistedsAndCanBeSet) {
  StringTransport transport;
  EXPECT_EQ(transport.peer(), Address::tcp("192.168.1.1", 54321));
  EXPECT_EQ(transport.host(), Address::tcp("10.0.0.1", 12345));
  StringTransport other(Address::memory("peer"), Address::memory("host"));
  EXPECT_EQ(other.peer(), Address::memory("peer"));
  other.set_peer(Address::unix_socket("/p"));
  other.set_host(Address::unix_socket("/h"));
  EXPECT_EQ(other.peer(), Address::unix_socket("/p"));
  EXPECT_EQ(other.host(), Address::unix_socket("/h"));
}

TEST(StringTransport, ConnectDeliversConnectionMadeAndData) {
  StringTransport transport;
  ScriptedProtocol protocol;
  EXPECT_EQ(transport.protocol(), nullptr);
  transport.connect(protocol);
  EXPECT_TRUE(transport.connected());
  EXPECT_EQ(transport.protocol(), &protocol);
  EXPECT_EQ(protocol.transport(), &transport);
  transport.receive("abc");
  transport.receive("");  // nothing to deliver
  transport.receive("def");
  EXPECT_THAT(protocol.events(), ElementsAre("made", "data:abc", "data:def"));
}

TEST(StringTransport, LoseConnectionGivesConnectionDoneAfterTheDrivingCallReturns) {
  StringTransport transport;
  ScriptedProtocol protocol;
  std::vector<std::string> seen_after_request;
  protocol.on_data = [&](ScriptedProtocol&, std::string_view) {
    protocol.lose_connection();
    seen_after_request = protocol.events();
    EXPECT_TRUE(protocol.transport()->disconnecting());
    protocol.transport()->write("dropped");
  };
  transport.connect(protocol);
  transport.receive("quit");
  EXPECT_THAT(seen_after_request, ElementsAre("made", "data:quit")) << "nothing inside";
  EXPECT_EQ(protocol.callbacks_inside_requests(), 0u);
  EXPECT_THAT(protocol.events(), ElementsAre("made", "data:quit", "lost:done"));
  EXPECT_FALSE(transport.connected());
  EXPECT_FALSE(transport.aborted());
  EXPECT_EQ(transport.value(), "") << "a write after lose_connection is dropped";
  ASSERT_TRUE(transport.lost_reason());
  EXPECT_TRUE(transport.lost_reason()->is(errc::connection_done));
  EXPECT_EQ(transport.protocol(), nullptr);
}

TEST(StringTransport, AbortConnectionGivesConnectionAborted) {
  StringTransport transport;
  ScriptedProtocol protocol;
  protocol.on_data = [&](ScriptedProtocol&, std::string_view) {
    protocol.transport()->write("sent before");
    protocol.abort_connection();
    protocol.transport()->write("dropped");
  };
  transport.connect(protocol);
  transport.receive("x");
  EXPECT_EQ(protocol.callbacks_inside_requests(), 0u);
  EXPECT_THAT(protocol.events(), ElementsAre("made", "data:x", "lost:aborted"));
  EXPECT_TRUE(transport.aborted());
  EXPECT_EQ(transport.value(), "sent before");
  EXPECT_TRUE(transport.lost_reason()->is(errc::connection_aborted));
}

TEST(StringTransport, CloseAskedInConnectionMadeCompletesWhenConnectReturns) {
  StringTransport transport;
  ScriptedProtocol protocol;
  protocol.on_made = [&](ScriptedProtocol&) { protocol.lose_connection(); };
  transport.connect(protocol);
  EXPECT_EQ(protocol.callbacks_inside_requests(), 0u);
  EXPECT_THAT(protocol.events(), ElementsAre("made", "lost:done"));
}

TEST(StringTransport, CloseAskedInAFakeClockCallCompletesRightAfterItInTheSameAdvance) {
  FakeClock clock;
  StringTransport transport;
  ScriptedProtocol protocol;
  transport.connect(protocol);
  std::vector<std::string> seen_after_request;
  DelayedCall timeout = clock.call_later(seconds(5), [&] {
    protocol.lose_connection();
    seen_after_request = protocol.events();
  });
  DelayedCall later = clock.call_later(seconds(6), [&] { protocol.events().push_back("t=6"); });
  TimePoint lost_at{};
  protocol.on_lost = [&](ScriptedProtocol&, const Failure&) { lost_at = clock.now(); };
  clock.advance(seconds(10));
  EXPECT_THAT(seen_after_request, ElementsAre("made")) << "not inside lose_connection()";
  EXPECT_THAT(protocol.events(), ElementsAre("made", "lost:done", "t=6"));
  EXPECT_EQ(lost_at, TimePoint(seconds(5)));
}

TEST(StringTransport, WritesAfterHalfCloseAreDropped) {
  StringTransport transport;
  ScriptedProtocol protocol;
  transport.connect(protocol);
  transport.write("a");
  transport.half_close();
  EXPECT_TRUE(transport.write_closed());
  transport.write("b");
  EXPECT_EQ(transport.value(), "a");
  EXPECT_TRUE(transport.connected()) << "reading goes on";
  transport.receive("still reading");
  EXPECT_THAT(protocol.events(), ElementsAre("made", "data:still reading"));
}

TEST(StringTransport, PausedReadingQueuesDataAndDeliversItOnResume) {
  StringTransport transport;
  ScriptedProtocol protocol;
  transport.connect(protocol);
  transport.pause_reading();
  EXPECT_TRUE(transport.reading_paused());
  transport.receive("one");
  transport.receive("two");
  EXPECT_THAT(protocol.events(), ElementsAre("made"));
  transport.resume_reading();
  EXPECT_FALSE(transport.reading_paused());
  EXPECT_THAT(protocol.events(), ElementsAre("made", "data:one", "data:two"));
}

TEST(StringTransport, AProtocolThatPausesInDataReceivedGetsTheRestAfterItResumes) {
  FakeClock clock;
  StringTransport transport;
  ScriptedProtocol protocol;
  DelayedCall resume;
  protocol.on_data = [&](ScriptedProtocol&, std::string_view data) {
    if (data == "first") {
      protocol.transport()->pause_reading();
      resume = clock.call_later(seconds(1), [&] {
        protocol.transport()->resume_reading();
        protocol.events().push_back("resumed");  // still inside the timer: data comes after
      });
    }
  };
  transport.connect(protocol);
  transport.receive("first");
  transport.receive("second");
  transport.receive_eof();
  EXPECT_THAT(protocol.events(), ElementsAre("made", "data:first"));
  clock.advance(seconds(1));
  EXPECT_THAT(protocol.events(), ElementsAre("made", "data:first", "resumed", "data:second",
                                             "read_lost", "lost:done"));
}

TEST(StringTransport, HeldWritesPauseTheProducerAboveHighWaterAndResumeItAtLowWater) {
  StringTransport transport;
  ScriptedProtocol protocol;
  CountingProducer producer;
  transport.connect(protocol);
  transport.set_write_buffer_limits(10, 4);
  transport.register_producer(producer);
  EXPECT_EQ(transport.producer(), &producer);
  transport.hold_writes(true);

  transport.write("0123456789");  // 10: at the mark, not above
  EXPECT_THAT(producer.events, ElementsAre());
  transport.write("A");  // 11
  EXPECT_THAT(producer.events, ElementsAre("pause"));
  EXPECT_TRUE(transport.producer_paused());
  EXPECT_EQ(transport.write_buffer_size(), 11u);
  EXPECT_EQ(transport.value(), "");

  transport.deliver_held(6);  // 5 left: above low
  EXPECT_EQ(transport.value(), "012345");
  EXPECT_THAT(producer.events, ElementsAre("pause"));
  transport.deliver_held(1);  // 4 left: at low
  EXPECT_THAT(producer.events, ElementsAre("pause", "resume"));
  EXPECT_FALSE(transport.producer_paused());

  transport.hold_writes(false);  // delivers the rest
  EXPECT_EQ(transport.value(), "0123456789A");
  EXPECT_EQ(transport.write_buffer_size(), 0u);
  transport.unregister_producer();
  EXPECT_EQ(transport.producer(), nullptr);
}

TEST(StringTransport, LoseConnectionWaitsForHeldWrites) {
  StringTransport transport;
  ScriptedProtocol protocol;
  transport.connect(protocol);
  transport.hold_writes(true);
  protocol.on_data = [&](ScriptedProtocol&, std::string_view) {
    protocol.transport()->write("bye");
    protocol.lose_connection();
  };
  transport.receive("quit");
  EXPECT_THAT(protocol.events(), ElementsAre("made", "data:quit")) << "bytes still held";
  EXPECT_TRUE(transport.disconnecting());
  transport.deliver_held(2);
  EXPECT_TRUE(transport.connected());
  transport.deliver_held();
  EXPECT_EQ(transport.value(), "bye");
  EXPECT_THAT(protocol.events(), ElementsAre("made", "data:quit", "lost:done"));
}

TEST(StringTransport, AbortDropsHeldWrites) {
  StringTransport transport;
  ScriptedProtocol protocol;
  transport.connect(protocol);
  transport.hold_writes(true);
  protocol.on_data = [&](ScriptedProtocol&, std::string_view) {
    protocol.transport()->write("never sent");
    protocol.abort_connection();
  };
  transport.receive("x");
  EXPECT_THAT(protocol.events(), ElementsAre("made", "data:x", "lost:aborted"));
  EXPECT_EQ(transport.write_buffer_size(), 0u);
  transport.deliver_held();
  EXPECT_EQ(transport.value(), "");
}

TEST(StringTransport, HalfCloseWaitsForHeldWrites) {
  StringTransport transport;
  ScriptedProtocol protocol;
  transport.connect(protocol);
  transport.hold_writes(true);
  transport.write("tail");
  transport.half_close();
  EXPECT_FALSE(transport.write_closed());
  transport.write("dropped");
  transport.deliver_held();
  EXPECT_TRUE(transport.write_closed());
  EXPECT_EQ(transport.value(), "tail");
}

TEST(StringTransport, ReceiveEofCallsReadConnectionLostWhoseDefaultCloses) {
  StringTransport transport;
  ScriptedProtocol protocol;
  transport.connect(protocol);
  transport.receive("last");
  transport.receive_eof();
  EXPECT_THAT(protocol.events(), ElementsAre("made", "data:last", "read_lost", "lost:done"));
}

TEST(StringTransport, AHalfCloseableProtocolKeepsWritingUntilItHalfClosesToo) {
  StringTransport transport;
  ScriptedProtocol protocol;
  protocol.on_read_lost = [&](ScriptedProtocol&) { protocol.transport()->write("answer"); };
  transport.connect(protocol);
  transport.receive_eof();
  EXPECT_TRUE(transport.connected()) << "our direction is still open";
  transport.write("more");
  transport.half_close();  // both directions shut now
  EXPECT_THAT(protocol.events(), ElementsAre("made", "read_lost", "lost:done"));
  EXPECT_EQ(transport.value(), "answermore");
}

TEST(StringTransport, EofAfterOurHalfCloseEndsTheConnection) {
  StringTransport transport;
  ScriptedProtocol protocol;
  protocol.on_read_lost = [](ScriptedProtocol&) {};  // a half-closeable protocol
  transport.connect(protocol);
  transport.half_close();
  transport.receive_eof();
  EXPECT_THAT(protocol.events(), ElementsAre("made", "read_lost", "lost:done"));
}

TEST(StringTransport, LoseFromPeerGivesTheReason) {
  StringTransport transport;
  ScriptedProtocol protocol;
  CountingProducer producer;
  transport.connect(protocol);
  transport.register_producer(producer);
  transport.lose_from_peer();
  EXPECT_THAT(protocol.events(), ElementsAre("made", "lost:lost"));
  EXPECT_THAT(producer.events, ElementsAre("stop")) << "the producer is stopped";
  EXPECT_EQ(transport.producer(), nullptr);

  StringTransport other;
  ScriptedProtocol second;
  other.connect(second);
  other.lose_from_peer(Failure(errc::connection_done));
  EXPECT_THAT(second.events(), ElementsAre("made", "lost:done"));
}

TEST(StringTransport, PeerAndHostAreStillValidInsideConnectionLost) {
  StringTransport transport(Address::tcp("::1", 4000), Address::tcp("::1", 5000));
  ScriptedProtocol protocol;
  Address peer, host;
  protocol.on_lost = [&](ScriptedProtocol&, const Failure&) {
    peer = protocol.transport()->peer();
    host = protocol.transport()->host();
  };
  transport.connect(protocol);
  transport.lose_from_peer();
  EXPECT_EQ(peer, Address::tcp("::1", 4000));
  EXPECT_EQ(host, Address::tcp("::1", 5000));
}

TEST(StringTransport, IsStrictAboutDrivingAConnectionThatIsNotThere) {
  StringTransport transport;
  try {
    transport.receive("x");
    FAIL() << "receive on an unconnected transport";
  } catch (const std::logic_error& error) {
    EXPECT_THAT(error.what(), HasSubstr("StringTransport::receive: no protocol connected"));
  }
  EXPECT_THROW(transport.receive_eof(), std::logic_error);
  EXPECT_THROW(transport.lose_from_peer(), std::logic_error);

  ScriptedProtocol protocol;
  transport.connect(protocol);
  EXPECT_THROW(transport.connect(protocol), std::logic_error);
  transport.lose_from_peer();
  try {
    transport.receive("x");
    FAIL() << "receive after connection_lost";
  } catch (const std::logic_error& error) {
    EXPECT_THAT(error.what(), HasSubstr("already lost"));
  }
  EXPECT_THROW(transport.receive_eof(), std::logic_error);
  EXPECT_THROW(transport.lose_from_peer(), std::logic_error);
  EXPECT_THAT(protocol.events(), ElementsAre("made", "lost:lost")) << "nothing after the end";
}

TEST(StringTransport, IsStrictAboutEofAndProducers) {
  StringTransport transport;
  ScriptedProtocol protocol;
  protocol.on_read_lost = [](ScriptedProtocol&) {};
  transport.connect(protocol);
  transport.receive_eof();
  EXPECT_THROW(transport.receive("late"), std::logic_error);
  EXPECT_THROW(transport.receive_eof(), std::logic_error);

  CountingProducer producer;
  transport.register_producer(producer);
  EXPECT_THROW(transport.register_producer(producer), std::logic_error);
  EXPECT_THROW(transport.set_write_buffer_limits(1, 2), std::invalid_argument);
}

TEST(StringTransport, AProducerRegisteredAfterTheEndIsStoppedAtOnce) {
  StringTransport transport;
  ScriptedProtocol protocol;
  transport.connect(protocol);
  transport.lose_from_peer();
  CountingProducer producer;
  transport.register_producer(producer);
  EXPECT_THAT(producer.events, ElementsAre("stop"));
  EXPECT_EQ(transport.producer(), nullptr);
}

TEST(StringTransport, DriveMakesProtocolCodeTheTestCallsADrivingCall) {
  StringTransport transport;
  ScriptedProtocol protocol;
  transport.connect(protocol);
  std::vector<std::string> seen_after_request;
  StringTransport::drive([&] {
    protocol.lose_connection();
    seen_after_request = protocol.events();
  });
  EXPECT_THAT(seen_after_request, ElementsAre("made"));
  EXPECT_THAT(protocol.events(), ElementsAre("made", "lost:done"));
}

TEST(StringTransport, ARequestOnAnotherTransportWaitsForTheOutermostDrivingCall) {
  // A server protocol that, reading from one connection, closes another and feeds a
  // third: neither may call back into their protocols inside its data_received().
  StringTransport first, second, third;
  ScriptedProtocol reader, victim, listener;
  first.connect(reader);
  second.connect(victim);
  third.connect(listener);
  std::vector<std::string> victim_seen_inside, listener_seen_inside;
  reader.on_data = [&](ScriptedProtocol&, std::string_view) {
    victim.lose_connection();
    third.receive("relayed");
    victim_seen_inside = victim.events();
    listener_seen_inside = listener.events();
  };
  first.receive("kick");
  EXPECT_THAT(victim_seen_inside, ElementsAre("made"));
  EXPECT_THAT(listener_seen_inside, ElementsAre("made"));
  EXPECT_THAT(victim.events(), ElementsAre("made", "lost:done"));
  EXPECT_THAT(listener.events(), ElementsAre("made", "data:relayed"));
  EXPECT_EQ(victim.callbacks_inside_requests(), 0u);
}

TEST(StringTransport, WithAClockARequestFromOutsideAnyCallCompletesOnTheNextAdvance) {
  FakeClock clock;
  StringTransport transport;
  transport.set_clock(&clock);
  ScriptedProtocol protocol;
  transport.connect(protocol);
  protocol.lose_connection();  // as if the test called protocol code directly
  EXPECT_THAT(protocol.events(), ElementsAre("made"));
  EXPECT_EQ(clock.pending(), 1u);
  clock.advance(seconds(0));
  EXPECT_THAT(protocol.events(), ElementsAre("made", "lost:done"));
}

TEST(StringTransport, WithoutAClockARequestFromOutsideAnyCallCompletesAtOnce) {
  StringTransport transport;
  ScriptedProtocol protocol;
  transport.connect(protocol);
  transport.lose_connection();  // the test itself asks
  EXPECT_THAT(protocol.events(), ElementsAre("made", "lost:done"));
}

TEST(StringTransport, OnLostRunsRightAfterConnectionLost) {
  StringTransport transport;
  ScriptedProtocol protocol;
  std::vector<std::string> order;
  protocol.on_lost = [&](ScriptedProtocol&, const Failure&) { order.push_back("protocol"); };
  transport.set_on_lost([&](const Failure& reason) {
    order.push_back("owner:" + std::string(reason.is(errc::connection_aborted) ? "aborted" : "?"));
    EXPECT_EQ(transport.protocol(), nullptr) << "the owner may destroy the protocol now";
  });
  transport.connect(protocol);
  transport.abort_connection();
  EXPECT_THAT(order, ElementsAre("protocol", "owner:aborted"));
}

TEST(StringTransport, AnExceptionFromTheProtocolLeavesTheTransportUsable) {
  StringTransport transport;
  ScriptedProtocol protocol;
  protocol.on_data = [](ScriptedProtocol&, std::string_view data) {
    if (data == "bad") throw std::runtime_error("protocol bug");
  };
  transport.connect(protocol);
  transport.pause_reading();
  transport.receive("bad");
  transport.receive("good");
  EXPECT_THROW(transport.resume_reading(), std::runtime_error);
  transport.receive("next");  // the queued "good" first, then this
  transport.lose_connection();
  EXPECT_THAT(protocol.events(),
              ElementsAre("made", "data:bad", "data:good", "data:next", "lost:done"));
}

}  // namespace
}  // namespace kit::fakes
