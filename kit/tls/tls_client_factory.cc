#include "kit/tls/tls_client_factory.h"

#include <stdexcept>
#include <utility>

#include "kit/tls/tls_wrapper.h"

namespace kit::tls {

TlsClientFactory::TlsClientFactory(ClientFactory& inner, TlsContext context,
                                   std::string server_name)
    : inner_(inner), context_(std::move(context)), server_name_(std::move(server_name)) {
  if (context_.verifies() && server_name_.empty()) {
    throw std::invalid_argument("TlsClientFactory: a verifying client needs a server name");
  }
}

std::unique_ptr<Protocol> TlsClientFactory::build_protocol(const Address& peer) {
  std::unique_ptr<Protocol> protocol = inner_.build_protocol(peer);
  if (protocol == nullptr) return nullptr;
  return std::make_unique<TlsWrapper>(std::move(protocol), context_, server_name_);
}

}  // namespace kit::tls
