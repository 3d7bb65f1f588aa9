#include "protocols/policies/connection_limit_factory.h"

namespace kit::protocols {

ConnectionLimitFactory::ConnectionLimitFactory(Factory& wrapped, std::size_t max_connections)
    : WrappingFactory(wrapped), max_connections_(max_connections) {}

std::unique_ptr<Protocol> ConnectionLimitFactory::build_protocol(const Address& peer) {
  if (open_connections() >= max_connections_) {
    ++refused_;
    return nullptr;
  }
  return WrappingFactory::build_protocol(peer);
}

}  // namespace kit::protocols
