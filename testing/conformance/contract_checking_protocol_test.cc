// ContractCheckingProtocol catches each broken promise it is meant to catch, and nothing else:
// without this, a transport conformance test that passes could mean a blind recorder.
#include "testing/conformance/contract_checking_protocol.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "kit/failure.h"
#include "testing/mocks/mock_transport.h"

namespace kit::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::NiceMock;
using ::testing::Return;

class ContractCheckingProtocolTest : public ::testing::Test {
 protected:
  ContractCheckingProtocolTest() {
    ON_CALL(transport_, peer).WillByDefault(Return(Address::tcp("192.0.2.1", 1000)));
    ON_CALL(transport_, host).WillByDefault(Return(Address::tcp("192.0.2.2", 2000)));
  }

  NiceMock<MockTransport> transport_;
  ContractCheckingProtocol protocol_;
};

TEST_F(ContractCheckingProtocolTest, RecordsAWellOrderedConnectionWithoutViolations) {
  protocol_.on_read_connection_lost = [] {};
  protocol_.make_connection(transport_);
  protocol_.data_received("ab");
  protocol_.data_received("c");
  protocol_.read_connection_lost();
  protocol_.connection_lost(Failure(errc::connection_done));

  EXPECT_THAT(protocol_.violations(), IsEmpty());
  EXPECT_EQ(protocol_.received(), "abc");
  EXPECT_EQ(protocol_.history(),
            "connection_made, data_received(2 bytes), data_received(1 bytes), "
            "read_connection_lost, connection_lost(connection closed cleanly)");
  EXPECT_TRUE(protocol_.lost_reason()->is(errc::connection_done));
  EXPECT_EQ(protocol_.peer_when_lost(), Address::tcp("192.0.2.1", 1000));
  EXPECT_EQ(protocol_.host_when_lost(), Address::tcp("192.0.2.2", 2000));
}

TEST_F(ContractCheckingProtocolTest, CatchesCallbacksAfterConnectionLost) {
  protocol_.make_connection(transport_);
  protocol_.connection_lost(Failure(errc::connection_lost));
  protocol_.data_received("late");
  protocol_.connection_lost(Failure(errc::connection_lost));
  EXPECT_THAT(protocol_.violations(), ElementsAre("data_received after connection_lost",
                                                  "connection_lost after connection_lost"));
  EXPECT_EQ(protocol_.count(ProtocolEvent::Kind::connection_lost), 2u);
}

TEST_F(ContractCheckingProtocolTest, CatchesCallbacksBeforeConnectionMadeAndASecondOne) {
  protocol_.data_received("early");
  protocol_.make_connection(transport_);
  protocol_.make_connection(transport_);
  EXPECT_THAT(protocol_.violations(),
              ElementsAre("data_received before connection_made", "connection_made called again"));
}

TEST_F(ContractCheckingProtocolTest, CatchesConnectionLostInsideACloseRequest) {
  protocol_.make_connection(transport_);
  EXPECT_CALL(transport_, abort_connection).WillOnce([&] {
    protocol_.connection_lost(Failure(errc::connection_aborted));
  });
  protocol_.abort_connection();
  EXPECT_THAT(protocol_.violations(), ElementsAre("connection_lost ran inside abort_connection()"));
}

TEST_F(ContractCheckingProtocolTest, DefaultReadConnectionLostClosesAndIsWatchedToo) {
  protocol_.make_connection(transport_);
  EXPECT_CALL(transport_, lose_connection).WillOnce([&] {
    protocol_.connection_lost(Failure(errc::connection_done));
  });
  protocol_.read_connection_lost();
  EXPECT_THAT(protocol_.violations(), ElementsAre("connection_lost ran inside lose_connection()"));
}

TEST_F(ContractCheckingProtocolTest, CatchesDataWhilePausedAndAfterReadConnectionLost) {
  protocol_.on_read_connection_lost = [] {};
  protocol_.make_connection(transport_);
  protocol_.pause_reading();
  protocol_.data_received("while paused");
  protocol_.resume_reading();
  protocol_.data_received("fine");
  protocol_.read_connection_lost();
  protocol_.data_received("after eof");
  protocol_.read_connection_lost();
  EXPECT_THAT(protocol_.violations(), ElementsAre("data_received while reading was paused",
                                                  "data_received after read_connection_lost",
                                                  "read_connection_lost called again"));
}

TEST_F(ContractCheckingProtocolTest, CatchesMissingAndChangingAddresses) {
  NiceMock<MockTransport> anonymous;  // peer() and host() are none
  ContractCheckingProtocol protocol;
  protocol.make_connection(anonymous);
  EXPECT_THAT(protocol.violations(), ElementsAre("peer() is none in connection_made",
                                                 "host() is none in connection_made"));

  protocol_.make_connection(transport_);
  ON_CALL(transport_, peer).WillByDefault(Return(Address()));
  protocol_.connection_lost(Failure(errc::connection_lost));
  EXPECT_THAT(protocol_.violations(),
              ElementsAre("peer() changed from tcp:192.0.2.1:1000 to none by connection_lost"));
}

TEST_F(ContractCheckingProtocolTest, RequestsOutsideTheConnectionThrow) {
  EXPECT_THROW(protocol_.write("x"), std::logic_error);
  protocol_.make_connection(transport_);
  EXPECT_CALL(transport_, write(std::string_view("x")));
  protocol_.write("x");
  protocol_.connection_lost(Failure(errc::connection_done));
  EXPECT_THROW(protocol_.lose_connection(), std::logic_error);
  EXPECT_THROW(protocol_.connected_transport(), std::logic_error);
  EXPECT_THAT(protocol_.violations(), IsEmpty());
}

}  // namespace
}  // namespace kit::testing
