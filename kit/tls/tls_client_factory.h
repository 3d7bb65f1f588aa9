// TlsClientFactory: a ClientFactory that puts each protocol of another ClientFactory
// behind a client TLS layer (TlsWrapper) for `server_name`, and passes the connector's
// events (started, failed, lost) on to it. What the live reactor's ssl: client endpoints
// connect with; a program may use it over any connector.
//
// Its layers do not point back at it, so a connection may outlive it.
//
// Thread safety: the reactor's thread.
#ifndef KIT_TLS_TLS_CLIENT_FACTORY_H_
#define KIT_TLS_TLS_CLIENT_FACTORY_H_

#include <memory>
#include <string>

#include "kit/client_factory.h"
#include "kit/tls/tls_context.h"

namespace kit::tls {

class TlsClientFactory final : public ClientFactory {
 public:
  // `inner` must outlive this factory. Throws std::invalid_argument for a verifying
  // context with no server name.
  TlsClientFactory(ClientFactory& inner, TlsContext context, std::string server_name);

  std::unique_ptr<Protocol> build_protocol(const Address& peer) override;
  void start_factory() override { inner_.do_start(); }
  void stop_factory() override { inner_.do_stop(); }
  void started_connecting(Connector& connector) override { inner_.started_connecting(connector); }
  void client_connection_failed(Connector& connector, const Failure& reason) override {
    inner_.client_connection_failed(connector, reason);
  }
  void client_connection_lost(Connector& connector, const Failure& reason) override {
    inner_.client_connection_lost(connector, reason);
  }

 private:
  ClientFactory& inner_;
  TlsContext context_;
  std::string server_name_;
};

}  // namespace kit::tls

#endif  // KIT_TLS_TLS_CLIENT_FACTORY_H_
