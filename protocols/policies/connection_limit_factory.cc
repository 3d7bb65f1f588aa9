#include "protocols/policies/connection_limit_factory.h"

#include <string>

namespace kit::protocols {

ConnectionLimitFactory::ConnectionLimitFactory(Factory& wrapped, std::size_t max_connections,
                                               Clock& clock)
    : WrappingFactory(wrapped), max_connections_(max_connections), refusal_log_(clock) {}

std::unique_ptr<Protocol> ConnectionLimitFactory::build_protocol(const Address& peer) {
  if (open_connections() >= max_connections_) {
    ++refused_;
    refusal_log_.log(LogLevel::warning, "refused",
                     "refused the connection with " + peer.to_string() + ": " +
                         std::to_string(max_connections_) +
                         " connections are open, the most allowed");
    return nullptr;
  }
  return WrappingFactory::build_protocol(peer);
}

}  // namespace kit::protocols
