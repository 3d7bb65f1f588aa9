// Connector: one client's attempt to connect, and the connection that follows.
//
// Reactor::connect() returns one. Its ClientFactory hears started_connecting(), then
// either client_connection_failed() or, once connected, client_connection_lost() when
// the connection ends. Either way connect() may be called again to retry (a reconnecting
// client calls it from those callbacks).
//
// Thread safety: the reactor's thread only.
#ifndef KIT_CONNECTOR_H_
#define KIT_CONNECTOR_H_

#include <memory>
#include <utility>
#include <vector>

#include "kit/endpoint.h"

namespace kit {

class Connector {
 public:
  enum class State { disconnected, connecting, connected };

  virtual ~Connector() = default;

  // connect: starts a new attempt (only when disconnected).
  virtual void connect() = 0;
  // stop_connecting: abandons the attempt in progress; the factory hears
  // client_connection_failed(errc::cancelled).
  virtual void stop_connecting() = 0;
  // disconnect: stops connecting, or loses the connection (after pending writes).
  virtual void disconnect() = 0;

  virtual State state() const = 0;
  virtual const Endpoint& destination() const = 0;

  // retain: keeps `owned` alive as long as this connector (which the reactor keeps while
  // connecting or connected), e.g. a factory made for this one connection.
  void retain(std::shared_ptr<void> owned) { retained_.push_back(std::move(owned)); }

 private:
  std::vector<std::shared_ptr<void>> retained_;
};

}  // namespace kit

#endif  // KIT_CONNECTOR_H_
