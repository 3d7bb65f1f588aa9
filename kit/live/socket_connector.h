// SocketConnector: the live reactor's Connector (kit/connector.h) for TCP and Unix
// stream sockets.
//
// An attempt resolves the host (numeric addresses skip the resolver), then tries each
// address in turn until one accepts; the whole attempt is bounded by the endpoint's
// timeout on the reactor's clock. On success it hands the socket to a SocketTransport;
// on failure the factory hears client_connection_failed() with the last error (the
// system's, such as connection refused), errc::timed_out or errc::cancelled.
//
// The reactor holds the connector while it is connecting or connected.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_LIVE_SOCKET_CONNECTOR_H_
#define KIT_LIVE_SOCKET_CONNECTOR_H_

#include <asio/ip/tcp.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <system_error>
#include <vector>

#include "kit/client_factory.h"
#include "kit/connector.h"
#include "kit/delayed_call.h"
#include "kit/endpoint.h"
#include "kit/failure.h"
#include "kit/live/live_reactor_impl.h"
#include "kit/live/socket_address.h"

namespace kit::live {

class SocketTransport;

class SocketConnector final : public Connector,
                              public std::enable_shared_from_this<SocketConnector> {
 public:
  // `layer`, when given, stands between the connector and `factory` and is owned by the
  // connector: the TLS client layer of an ssl: endpoint (it forwards to `factory`).
  SocketConnector(LiveReactor::Impl& reactor, Endpoint destination, ClientFactory& factory,
                  std::unique_ptr<ClientFactory> layer = nullptr);
  ~SocketConnector() override;
  SocketConnector(const SocketConnector&) = delete;
  SocketConnector& operator=(const SocketConnector&) = delete;

  // ---- Connector
  void connect() override;
  void stop_connecting() override;
  void disconnect() override;
  State state() const override { return state_; }
  const Endpoint& destination() const override { return destination_; }

  // ---- the transport's and the reactor's side

  // made: the attempt produced `transport`; called before its connection_made().
  void made(SocketTransport& transport);
  // lost: the connection made ended, after its protocol's connection_lost().
  void lost(const Failure& reason);
  // detach: the reactor is going away; drops every Asio object at once, telling no one.
  void detach() noexcept;

 private:
  void try_next();
  void on_resolved(std::uint64_t attempt, const std::error_code& error,
                   const asio::ip::tcp::resolver::results_type& results);
  void on_connected(std::uint64_t attempt, const std::error_code& error);
  void fail(const Failure& reason);
  void drop_attempt() noexcept;
  // Where this connector goes, for messages: "tcp:example.com:80", "ssl:[::1]:443",
  // "unix:/run/x.sock".
  std::string describe() const;

  LiveReactor::Impl* reactor_;
  Endpoint destination_;
  std::unique_ptr<ClientFactory> layer_;  // before factory_, which may refer to it
  ClientFactory& factory_;
  State state_ = State::disconnected;
  // Counts attempts, so a handler of an abandoned one knows to do nothing.
  std::uint64_t attempt_ = 0;
  std::optional<asio::ip::tcp::resolver> resolver_;
  std::optional<Socket> socket_;
  std::vector<SocketEndpoint> candidates_;
  std::size_t next_candidate_ = 0;
  std::error_code last_error_;
  DelayedCall timeout_;
  SocketTransport* transport_ = nullptr;
};

}  // namespace kit::live

#endif  // KIT_LIVE_SOCKET_CONNECTOR_H_
