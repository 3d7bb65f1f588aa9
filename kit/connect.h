// connect: a connection attempt as a Deferred of the connected protocol.
//
//   kit::Deferred<Client*> client = kit::connect<Client>(reactor, "tcp:127.0.0.1:8000", factory);
//   client.add_callback([](Client* c) { c->say_hello(); });
//
// The Deferred fires once the protocol's connection_made() has run, with the protocol
// (valid until its connection_lost() returns). It fails with the reason when the
// connection is refused, unreachable or times out (Endpoint::timeout, on the reactor's
// clock). Cancelling it abandons the attempt. The factory hears every callback it would
// hear from Reactor::connect.
//
// Thread safety: the reactor's thread.
#ifndef KIT_CONNECT_H_
#define KIT_CONNECT_H_

#include <memory>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>

#include "kit/client_factory.h"
#include "kit/connector.h"
#include "kit/deferred.h"
#include "kit/endpoint.h"
#include "kit/protocol.h"
#include "kit/reactor.h"

namespace kit {
namespace detail {

// Stands between the reactor and the user's factory for one connect(): forwards every
// callback, and fires the Deferred when the connection is made or fails.
class ConnectingFactory : public ClientFactory,
                          public std::enable_shared_from_this<ConnectingFactory> {
 public:
  explicit ConnectingFactory(ClientFactory& factory);
  // An attempt abandoned without an outcome (the reactor went away) fails the Deferred.
  ~ConnectingFactory() override;

  const Deferred<Protocol*>& result() const { return result_; }
  // keep: holds the user's factory for as long as this one lives.
  void keep(std::shared_ptr<ClientFactory> factory) { kept_ = std::move(factory); }
  void set_connector(std::weak_ptr<Connector> connector) { connector_ = std::move(connector); }

  std::unique_ptr<Protocol> build_protocol(const Address& peer) override;
  void start_factory() override { factory_.do_start(); }
  void stop_factory() override { factory_.do_stop(); }
  void started_connecting(Connector& connector) override { factory_.started_connecting(connector); }
  void client_connection_failed(Connector& connector, const Failure& reason) override;
  void client_connection_lost(Connector& connector, const Failure& reason) override;

  // connected: the protocol's connection_made() has run.
  void connected(Protocol* protocol);
  // settle: the attempt failed for `reason` (once; later outcomes are ignored).
  void settle(const Failure& reason);

 private:
  ClientFactory& factory_;
  std::shared_ptr<ClientFactory> kept_;
  std::weak_ptr<Connector> connector_;
  Deferred<Protocol*> result_;
  bool settled_ = false;
};

}  // namespace detail

namespace detail {

template <typename P>
Deferred<P*> connect_with(Reactor& reactor, const Endpoint& endpoint,
                          std::shared_ptr<ConnectingFactory> connecting) {
  Deferred<Protocol*> result = connecting->result();
  try {
    std::shared_ptr<Connector> connector = reactor.connect(endpoint, *connecting);
    connecting->set_connector(connector);
    connector->retain(std::move(connecting));
  } catch (...) {
    // Cannot even start (say, an endpoint kind the reactor lacks): the Deferred says so.
    connecting->settle(Failure::current_exception());
  }
  if constexpr (std::is_same_v<P, Protocol>) {
    return result;
  } else {
    return result.add_callback([](Protocol* protocol) -> Outcome<P*> {
      if (P* typed = dynamic_cast<P*>(protocol)) return typed;
      return Failure(std::make_exception_ptr(
          std::logic_error(std::string("kit::connect: the factory built another protocol than ") +
                           typeid(P).name())));
    });
  }
}

}  // namespace detail

// connect: see above. `factory` must outlive the connection.
template <typename P = Protocol>
Deferred<P*> connect(Reactor& reactor, const Endpoint& endpoint, ClientFactory& factory) {
  return detail::connect_with<P>(reactor, endpoint,
                                 std::make_shared<detail::ConnectingFactory>(factory));
}

template <typename P = Protocol>
Deferred<P*> connect(Reactor& reactor, std::string_view endpoint, ClientFactory& factory) {
  return connect<P>(reactor, parse_client_endpoint(endpoint), factory);
}

// connect: the same with a factory kept alive as long as the connection needs it, for
// callers (coroutines among them) that do not outlive the connection themselves.
template <typename P = Protocol>
Deferred<P*> connect(Reactor& reactor, const Endpoint& endpoint,
                     std::shared_ptr<ClientFactory> factory) {
  auto connecting = std::make_shared<detail::ConnectingFactory>(*factory);
  connecting->keep(factory);
  return detail::connect_with<P>(reactor, endpoint, std::move(connecting));
}

template <typename P = Protocol>
Deferred<P*> connect(Reactor& reactor, std::string_view endpoint,
                     std::shared_ptr<ClientFactory> factory) {
  return connect<P>(reactor, parse_client_endpoint(endpoint), std::move(factory));
}

}  // namespace kit

#endif  // KIT_CONNECT_H_
