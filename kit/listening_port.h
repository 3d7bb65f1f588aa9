// ListeningPort: a server socket accepting connections for a Factory.
//
// Returned by Reactor::listen(). Destroying it stops listening; connections already
// accepted go on.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_LISTENING_PORT_H_
#define KIT_LISTENING_PORT_H_

#include <string>

#include "kit/address.h"

namespace kit {

class ListeningPort {
 public:
  virtual ~ListeningPort() = default;

  // address: where it listens, with the real port when 0 was asked.
  virtual Address address() const = 0;

  // description: the `listening on` form of specs/cli.md: "tcp:127.0.0.1:43125",
  // "tcp:[::1]:8000", "ssl:127.0.0.1:8443", "unix:/tmp/x.sock".
  virtual std::string description() const = 0;

  // stop_listening: closes the server socket (idempotent).
  virtual void stop_listening() = 0;
};

}  // namespace kit

#endif  // KIT_LISTENING_PORT_H_
