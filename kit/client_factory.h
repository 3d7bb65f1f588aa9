// ClientFactory: builds the protocol of an outgoing connection and hears how it went.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_CLIENT_FACTORY_H_
#define KIT_CLIENT_FACTORY_H_

#include <functional>
#include <utility>

#include "kit/connector.h"
#include "kit/factory.h"
#include "kit/failure.h"

namespace kit {

class ClientFactory : public Factory {
 public:
  // started_connecting: an attempt began.
  virtual void started_connecting(Connector& connector) { (void)connector; }
  // client_connection_failed: the attempt failed (refused, unreachable, timed out,
  // cancelled); no protocol was built.
  virtual void client_connection_failed(Connector& connector, const Failure& reason) {
    (void)connector;
    (void)reason;
  }
  // client_connection_lost: a connection this factory made has ended, after its
  // protocol's connection_lost().
  virtual void client_connection_lost(Connector& connector, const Failure& reason) {
    (void)connector;
    (void)reason;
  }
};

// FunctionClientFactory: a client factory from a function; the callbacks may be set.
class FunctionClientFactory : public ClientFactory {
 public:
  using Builder = std::function<std::unique_ptr<Protocol>(const Address& peer)>;
  using Callback = std::function<void(Connector&, const Failure&)>;

  explicit FunctionClientFactory(Builder builder) : builder_(std::move(builder)) {}

  std::unique_ptr<Protocol> build_protocol(const Address& peer) override { return builder_(peer); }
  void client_connection_failed(Connector& connector, const Failure& reason) override {
    if (on_failed) on_failed(connector, reason);
  }
  void client_connection_lost(Connector& connector, const Failure& reason) override {
    if (on_lost) on_lost(connector, reason);
  }

  Callback on_failed;
  Callback on_lost;

 private:
  Builder builder_;
};

}  // namespace kit

#endif  // KIT_CLIENT_FACTORY_H_
