#include "testing/mocks/mock_protocol.h"

namespace kit::testing {

// Out of line for compile time; see mock_transport.cc.
MockProtocol::MockProtocol() {
  ON_CALL(*this, read_connection_lost).WillByDefault([this] { Protocol::read_connection_lost(); });
  ON_CALL(*this, stop_requested).WillByDefault([this] { Protocol::stop_requested(); });
}

MockProtocol::~MockProtocol() = default;

}  // namespace kit::testing
