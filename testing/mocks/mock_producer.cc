#include "testing/mocks/mock_producer.h"

namespace kit::testing {

// Out of line for compile time; see mock_transport.cc.
MockProducer::MockProducer() = default;
MockProducer::~MockProducer() = default;

}  // namespace kit::testing
