// The order of a protocol's callbacks through StringTransport, checked with a strict mock
// in sequence: connection_made, data_received..., read_connection_lost, connection_lost,
// and nothing after connection_lost (kit/transport.h, promises 1 and 5).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include "fakes/fake_clock.h"
#include "fakes/string_transport.h"
#include "kit/failure.h"
#include "testing/mocks/mock_protocol.h"

namespace kit::testing {
namespace {

using ::kit::fakes::FakeClock;
using ::kit::fakes::StringTransport;
using ::testing::InSequence;
using ::testing::StrictMock;

MATCHER_P(FailsWith, code, "is a Failure with code " + std::error_code(code).message()) {
  *result_listener << "whose code is " << arg.code().message();
  return arg.is(code);
}

class CallbackOrderTest : public ::testing::Test {
 protected:
  StrictMock<MockProtocol> protocol_;
  StringTransport transport_;
};

TEST_F(CallbackOrderTest, MadeThenDataThenReadLostThenLost) {
  {
    InSequence in_order;
    EXPECT_CALL(protocol_, connection_made());
    EXPECT_CALL(protocol_, data_received(std::string_view("GET ")));
    EXPECT_CALL(protocol_, data_received(std::string_view("/\r\n")));
    // The default action closes after pending writes, like Protocol's.
    EXPECT_CALL(protocol_, read_connection_lost());
    EXPECT_CALL(protocol_, connection_lost(FailsWith(errc::connection_done)));
  }
  transport_.connect(protocol_);
  transport_.receive("GET ");
  transport_.receive("/\r\n");
  transport_.receive_eof();
  EXPECT_FALSE(transport_.connected());
}

TEST_F(CallbackOrderTest, PeerLossGivesConnectionLostWithoutReadConnectionLost) {
  {
    InSequence in_order;
    EXPECT_CALL(protocol_, connection_made());
    EXPECT_CALL(protocol_, data_received(std::string_view("partial")));
    EXPECT_CALL(protocol_, connection_lost(FailsWith(errc::connection_lost)));
  }
  transport_.connect(protocol_);
  transport_.receive("partial");
  transport_.lose_from_peer();
}

TEST_F(CallbackOrderTest, NothingFollowsConnectionLost) {
  {
    InSequence in_order;
    EXPECT_CALL(protocol_, connection_made()).WillOnce([&] {
      transport_.hold_writes(true);  // the peer is slow: the close waits for this write
      protocol_.transport()->write("goodbye");
      protocol_.transport()->lose_connection();
    });
    EXPECT_CALL(protocol_, connection_lost(FailsWith(errc::connection_done)));
  }
  transport_.connect(protocol_);
  ASSERT_TRUE(transport_.connected());

  // Closing: what the peer sends now is dropped, not delivered.
  transport_.receive("dropped while closing");
  transport_.deliver_held();
  EXPECT_EQ(transport_.value(), "goodbye");
  ASSERT_FALSE(transport_.connected());

  // Lost: StringTransport refuses to drive the protocol, and the strict mock would fail
  // on any callback that slipped through.
  EXPECT_THROW(transport_.receive("after the end"), std::logic_error);
  EXPECT_THROW(transport_.receive_eof(), std::logic_error);
  EXPECT_THROW(transport_.lose_from_peer(), std::logic_error);
}

TEST_F(CallbackOrderTest, LoseConnectionInsideDataReceivedCallsBackAfterItReturns) {
  bool data_received_returned = false;
  {
    InSequence in_order;
    EXPECT_CALL(protocol_, connection_made());
    EXPECT_CALL(protocol_, data_received(std::string_view("QUIT\r\n"))).WillOnce([&] {
      protocol_.transport()->write("bye\r\n");
      protocol_.transport()->lose_connection();
      EXPECT_TRUE(protocol_.transport()->disconnecting());
      data_received_returned = true;  // set last: connection_lost must not have run yet
    });
    EXPECT_CALL(protocol_, connection_lost(FailsWith(errc::connection_done))).WillOnce([&] {
      EXPECT_TRUE(data_received_returned) << "connection_lost ran inside lose_connection()";
    });
  }
  transport_.connect(protocol_);
  transport_.receive("QUIT\r\n");
  EXPECT_EQ(transport_.value(), "bye\r\n");
  EXPECT_FALSE(transport_.connected());
}

TEST_F(CallbackOrderTest, AbortInsideConnectionMadeCallsBackAfterItReturns) {
  bool connection_made_returned = false;
  {
    InSequence in_order;
    EXPECT_CALL(protocol_, connection_made()).WillOnce([&] {
      protocol_.transport()->abort_connection();
      protocol_.transport()->write("never sent");
      connection_made_returned = true;
    });
    EXPECT_CALL(protocol_, connection_lost(FailsWith(errc::connection_aborted))).WillOnce([&] {
      EXPECT_TRUE(connection_made_returned) << "connection_lost ran inside abort_connection()";
    });
  }
  transport_.connect(protocol_);
  EXPECT_TRUE(transport_.aborted());
  EXPECT_EQ(transport_.value(), "");
}

TEST_F(CallbackOrderTest, LoseConnectionInTimerCallsBackAfterTheTimerReturns) {
  FakeClock clock;
  bool timer_returned = false;
  {
    InSequence in_order;
    EXPECT_CALL(protocol_, connection_made());
    EXPECT_CALL(protocol_, connection_lost(FailsWith(errc::connection_done))).WillOnce([&] {
      EXPECT_TRUE(timer_returned) << "connection_lost ran inside lose_connection()";
    });
  }
  transport_.connect(protocol_);
  DelayedCall idle_timeout = clock.call_later(fakes::seconds(30), [&] {
    protocol_.transport()->lose_connection();
    timer_returned = true;
  });
  clock.advance(fakes::seconds(29));
  EXPECT_TRUE(transport_.connected());
  clock.advance(fakes::seconds(1));  // connection_lost comes in this same advance
  EXPECT_FALSE(transport_.connected());
}

TEST_F(CallbackOrderTest, DataPausedInConnectionMadeComesAfterResumeBeforeReadConnectionLost) {
  {
    InSequence in_order;
    EXPECT_CALL(protocol_, connection_made()).WillOnce([&] {
      protocol_.transport()->pause_reading();
    });
    EXPECT_CALL(protocol_, data_received(std::string_view("one")));
    EXPECT_CALL(protocol_, data_received(std::string_view("two")));
    EXPECT_CALL(protocol_, read_connection_lost());
    EXPECT_CALL(protocol_, connection_lost(FailsWith(errc::connection_done)));
  }
  transport_.connect(protocol_);
  transport_.receive("one");
  transport_.receive("two");
  transport_.receive_eof();  // waits behind the paused data
  ASSERT_TRUE(transport_.connected());
  protocol_.transport()->resume_reading();
  EXPECT_FALSE(transport_.connected());
}

TEST_F(CallbackOrderTest, HalfClosedProtocolEndsWhenThePeerHalfClosesToo) {
  {
    InSequence in_order;
    EXPECT_CALL(protocol_, connection_made()).WillOnce([&] {
      protocol_.transport()->write("request");
      protocol_.transport()->half_close();
    });
    EXPECT_CALL(protocol_, data_received(std::string_view("response")));
    // Nothing to close any more: the peer's end of stream ends the connection.
    EXPECT_CALL(protocol_, read_connection_lost()).WillOnce([] {});
    EXPECT_CALL(protocol_, connection_lost(FailsWith(errc::connection_done)));
  }
  transport_.connect(protocol_);
  EXPECT_TRUE(transport_.write_closed());
  transport_.receive("response");
  transport_.receive_eof();
  EXPECT_EQ(transport_.value(), "request");
  EXPECT_FALSE(transport_.connected());
}

}  // namespace
}  // namespace kit::testing
