// MockProtocol: a GoogleMock Protocol, for checking which callbacks a transport makes and
// in what order.
//
// Every callback of kit::Protocol is mocked. read_connection_lost() and stop_requested()
// default to what Protocol does (close after pending writes), so an expectation that
// only counts them still closes the connection like a real protocol would; give them an
// action of their own to keep a half-closed connection open. make_connection() and
// transport() are Protocol's own: a transport attaches a mock like any protocol.
//
// Strictness: the kit's test main (testing/test_main.cc) sets
// --gmock_default_mock_behavior=2, so a plain MockProtocol is already strict: a callback
// with no matching EXPECT_CALL fails the test. Write StrictMock<MockProtocol> where
// strictness is the point (callback order, nothing after connection_lost), so the test
// keeps its meaning in a relaxed run. Pair it with ::testing::InSequence to check order.
//
// Thread safety: the thread of the transport that drives it.
#ifndef KIT_TESTING_MOCKS_MOCK_PROTOCOL_H_
#define KIT_TESTING_MOCKS_MOCK_PROTOCOL_H_

#include <gmock/gmock.h>

#include <string_view>

#include "kit/failure.h"
#include "kit/protocol.h"

namespace kit::testing {

class MockProtocol : public Protocol {
 public:
  MockProtocol();
  ~MockProtocol() override;

  MOCK_METHOD(void, connection_made, (), (override));
  MOCK_METHOD(void, data_received, (std::string_view data), (override));
  MOCK_METHOD(void, read_connection_lost, (), (override));
  MOCK_METHOD(void, connection_lost, (const Failure& reason), (override));
  MOCK_METHOD(void, stop_requested, (), (override));
};

}  // namespace kit::testing

#endif  // KIT_TESTING_MOCKS_MOCK_PROTOCOL_H_
