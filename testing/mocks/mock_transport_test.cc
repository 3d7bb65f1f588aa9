// MockTransport's default actions behave like kit::Transport's, and a protocol's requests
// can be checked against it call by call.
#include "testing/mocks/mock_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <string_view>

#include "kit/protocol.h"

namespace kit::testing {
namespace {

using ::testing::InSequence;
using ::testing::Return;
using ::testing::StrictMock;

TEST(MockTransportTest, WriteSequenceWritesEachPieceByDefault) {
  StrictMock<MockTransport> mock;
  Transport& transport = mock;
  constexpr std::array<std::string_view, 2> pieces = {"HTTP/1.1 200 OK\r\n", "\r\n"};
  {
    InSequence in_order;
    EXPECT_CALL(mock, write_sequence);
    EXPECT_CALL(mock, write(pieces[0]));
    EXPECT_CALL(mock, write(pieces[1]));
  }
  transport.write_sequence(pieces);
}

TEST(MockTransportTest, ProducerCallsMapToReadingAndClosingByDefault) {
  StrictMock<MockTransport> mock;
  Producer& producer = mock;
  {
    InSequence in_order;
    EXPECT_CALL(mock, pause_producing);
    EXPECT_CALL(mock, pause_reading);
    EXPECT_CALL(mock, resume_producing);
    EXPECT_CALL(mock, resume_reading);
    EXPECT_CALL(mock, stop_producing);
    EXPECT_CALL(mock, lose_connection);
  }
  producer.pause_producing();
  producer.resume_producing();
  producer.stop_producing();
  EXPECT_TRUE(mock.disconnecting());
}

TEST(MockTransportTest, CloseRequestsTurnDisconnectingTrueByDefault) {
  StrictMock<MockTransport> losing;
  EXPECT_CALL(losing, lose_connection);
  EXPECT_FALSE(losing.disconnecting());
  losing.lose_connection();
  EXPECT_TRUE(losing.disconnecting());

  StrictMock<MockTransport> aborting;
  EXPECT_CALL(aborting, abort_connection);
  aborting.abort_connection();
  EXPECT_TRUE(aborting.disconnecting());
}

TEST(MockTransportTest, SetDisconnectingIsWhatDisconnectingReturns) {
  StrictMock<MockTransport> mock;
  mock.set_disconnecting(true);
  EXPECT_TRUE(mock.disconnecting());
  mock.set_disconnecting(false);
  EXPECT_FALSE(mock.disconnecting());
}

TEST(MockTransportTest, ChecksTheRequestsOfAProtocol) {
  StrictMock<MockTransport> mock;
  Protocol protocol;  // the defaults: read_connection_lost() closes after pending writes
  const Address peer = Address::tcp("192.0.2.7", 4242);
  EXPECT_CALL(mock, peer).WillRepeatedly(Return(peer));
  EXPECT_CALL(mock, lose_connection);

  protocol.make_connection(mock);
  EXPECT_EQ(protocol.transport()->peer(), peer);
  protocol.read_connection_lost();
}

}  // namespace
}  // namespace kit::testing
