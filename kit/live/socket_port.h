// SocketPort: the live reactor's ListeningPort, a TCP (v4 or v6) or Unix stream socket
// accepting connections for a Factory.
//
// TLS: `ssl:PORT:privateKey=KEY.pem[:certKey=CERT.pem]` listens as tcp: does and wraps
// each protocol of the factory in a server kit::tls::TlsWrapper (kit/tls); a missing or
// bad certificate or key fails the listen with TlsContext's reason, before any socket is
// bound. Its description() is "ssl:ADDRESS:PORT".
//
// TCP: `tcp:PORT` with no interface listens on all interfaces, IPv6 and IPv4 (one
// dual-stack socket on `::`; 0.0.0.0 where the machine has no IPv6), and IPv4 peers are
// reported as IPv4 addresses. SO_REUSEADDR is set so a restarted server can bind at once.
// Unix: a stale socket file at the path (a socket nobody accepts on) is replaced,
// anything else there is an error; `mode=` applies before the socket accepts anything;
// the file is removed when the port stops, if it is still ours.
//
// Accepting: one accept at a time, each accepted socket handed to a SocketTransport
// (TCP_NODELAY on TCP). When the process runs out of descriptors, accepting pauses for
// a moment instead of spinning (warned at most once a second, kit/log_limiter.h).
//
// Thread safety: the reactor's thread only.
#ifndef KIT_LIVE_SOCKET_PORT_H_
#define KIT_LIVE_SOCKET_PORT_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "kit/address.h"
#include "kit/delayed_call.h"
#include "kit/endpoint.h"
#include "kit/factory.h"
#include "kit/listening_port.h"
#include "kit/live/live_reactor_impl.h"
#include "kit/live/socket_address.h"

namespace kit::live {

class SocketPort final : public ListeningPort {
 public:
  // open: listens on `endpoint` (tcp:, ssl: or unix:). Throws FailureError naming the endpoint
  // and the reason ("cannot listen on tcp:8000:interface=127.0.0.1: Address already in use").
  static std::unique_ptr<SocketPort> open(LiveReactor::Impl& reactor, const Endpoint& endpoint,
                                          Factory& factory);

  ~SocketPort() override;
  SocketPort(const SocketPort&) = delete;
  SocketPort& operator=(const SocketPort&) = delete;

  Address address() const override { return address_; }
  // description: "tcp:127.0.0.1:8000", or "ssl:127.0.0.1:8443" for a TLS port.
  std::string description() const override {
    return address_.to_string(tls_factory_ ? "ssl" : "tcp");
  }
  void stop_listening() override;

  // detach: the reactor is going away: stops listening and forgets it.
  void detach() noexcept;

 private:
  // `tls_factory`, for ssl:, wraps `factory` and is the one connections are built with.
  SocketPort(LiveReactor::Impl& reactor, Factory& factory, Acceptor acceptor,
             std::unique_ptr<Factory> tls_factory);

  // The accept handler finds the port by id: the port may be gone when it runs.
  static void on_accept(LiveReactor::Impl* reactor, std::uint64_t id, const std::error_code& error,
                        Socket socket);
  void accept_next();
  void accepted(const std::error_code& error, Socket socket);
  void remove_socket_file() noexcept;

  LiveReactor::Impl* reactor_;
  Factory& factory_;
  std::unique_ptr<Factory> tls_factory_;  // ssl: only; factory_ refers to it then
  std::optional<Acceptor> acceptor_;
  SocketEndpoint peer_;  // filled by the accept in progress
  Address address_;
  std::uint64_t id_ = 0;
  bool factory_started_ = false;
  DelayedCall accept_retry_;
  // Unix sockets: the file this port created, to remove it when the port stops.
  std::string socket_path_;
  dev_t socket_device_ = 0;
  ino_t socket_inode_ = 0;
};

}  // namespace kit::live

#endif  // KIT_LIVE_SOCKET_PORT_H_
