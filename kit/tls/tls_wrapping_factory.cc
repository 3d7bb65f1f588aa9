#include "kit/tls/tls_wrapping_factory.h"

#include <stdexcept>
#include <utility>

#include "kit/tls/tls_wrapper.h"

namespace kit::tls {

TlsWrappingFactory::TlsWrappingFactory(Factory& wrapped, TlsContext context,
                                       std::string server_name)
    : WrappingFactory(wrapped), context_(std::move(context)), server_name_(std::move(server_name)) {
  if (!context_.is_server() && context_.verifies() && server_name_.empty()) {
    throw std::invalid_argument(
        "TlsWrappingFactory: a verifying TLS client needs the server's host name");
  }
}

std::unique_ptr<ProtocolWrapper> TlsWrappingFactory::wrap(std::unique_ptr<Protocol> protocol) {
  return std::make_unique<TlsWrapper>(std::move(protocol), context_, server_name_, this);
}

}  // namespace kit::tls
