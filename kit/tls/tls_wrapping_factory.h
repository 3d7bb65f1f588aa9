// TlsWrappingFactory: a WrappingFactory (kit/wrapping_factory.h) that wraps every protocol
// of another factory in a TlsWrapper on one TlsContext -- Twisted's TLSMemoryBIOFactory.
//
//   auto lines = kit::factory_for<LineProtocol>(max_line);
//   kit::tls::TlsWrappingFactory tls(*lines, kit::tls::TlsContext::server(
//       {.certificate_chain_file = "cert.pem", .private_key_file = "key.pem"}));
//   reactor.listen("tcp:8443", tls);
//
// A client factory names the server (`server_name`, see TlsWrapper) for every connection
// it makes. It stacks with the other wrapping factories; put it nearest the transport so
// that the policies above it see plaintext.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_TLS_TLS_WRAPPING_FACTORY_H_
#define KIT_TLS_TLS_WRAPPING_FACTORY_H_

#include <memory>
#include <string>

#include "kit/factory.h"
#include "kit/protocol.h"
#include "kit/protocol_wrapper.h"
#include "kit/tls/tls_context.h"
#include "kit/wrapping_factory.h"

namespace kit::tls {

class TlsWrappingFactory : public WrappingFactory {
 public:
  // Throws std::invalid_argument for a verifying client context with no server name.
  TlsWrappingFactory(Factory& wrapped, TlsContext context, std::string server_name = {});

  const TlsContext& context() const noexcept { return context_; }

 protected:
  std::unique_ptr<ProtocolWrapper> wrap(std::unique_ptr<Protocol> protocol) override;

 private:
  TlsContext context_;
  std::string server_name_;
};

}  // namespace kit::tls

#endif  // KIT_TLS_TLS_WRAPPING_FACTORY_H_
