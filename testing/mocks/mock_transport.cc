#include "testing/mocks/mock_transport.h"

namespace kit::testing {

// The constructor and destructor live here, not in the header: GoogleMock's generated
// members are costly to compile, and every test including the header would pay for them.
MockTransport::MockTransport() {
  ON_CALL(*this, write_sequence).WillByDefault([this](std::span<const std::string_view> pieces) {
    Transport::write_sequence(pieces);
  });
  ON_CALL(*this, pause_producing).WillByDefault([this] { Transport::pause_producing(); });
  ON_CALL(*this, resume_producing).WillByDefault([this] { Transport::resume_producing(); });
  ON_CALL(*this, stop_producing).WillByDefault([this] { Transport::stop_producing(); });
  ON_CALL(*this, lose_connection).WillByDefault([this] { disconnecting_ = true; });
  ON_CALL(*this, abort_connection).WillByDefault([this] { disconnecting_ = true; });
}

MockTransport::~MockTransport() = default;

}  // namespace kit::testing
