#include "kit/live/socket_port.h"

#include <sys/stat.h>
#include <unistd.h>

#include <asio/error.hpp>
#include <asio/ip/address.hpp>
#include <asio/ip/v6_only.hpp>
#include <asio/socket_base.hpp>
#include <cerrno>
#include <chrono>
#include <utility>

#include "kit/failure.h"
#include "kit/live/socket_transport.h"
#include "kit/log.h"
#include "kit/tls/tls_context.h"
#include "kit/tls/tls_wrapper.h"

namespace kit::live {
namespace {

// How long accepting pauses when the process is out of descriptors or memory.
constexpr auto accept_pause = std::chrono::milliseconds(100);

[[noreturn]] void cannot_listen(const Endpoint& endpoint, std::error_code code,
                                const std::string& detail = {}) {
  std::string message = "cannot listen on " + endpoint.to_string();
  if (!detail.empty()) message += ": " + detail;
  throw FailureError(Failure(system_error(code), std::move(message)));
}

std::error_code errno_code() { return std::error_code(errno, std::system_category()); }

// Errors of one pending connection, which accept() reports in its place (accept(2)): the
// next accept may well succeed.
bool error_of_one_connection(const std::error_code& asio_error) {
  const std::error_code error = system_error(asio_error);
  switch (error.value()) {
    case ECONNABORTED:
    case EPROTO:
    case EPERM:
    case EINTR:
    case ENETDOWN:
    case ENOPROTOOPT:
    case EHOSTDOWN:
    case ENONET:
    case EHOSTUNREACH:
    case EOPNOTSUPP:
    case ENETUNREACH:
      return error.category() == std::system_category();
    default:
      return false;
  }
}

// Clears the way for a Unix socket at `path`: nothing there, or a stale socket (one that
// refuses connections), which is removed. A live socket or any other file is an error.
void clear_unix_path(asio::io_context& io, const Endpoint& endpoint, const SocketEndpoint& local) {
  struct stat info {};
  if (::lstat(endpoint.path.c_str(), &info) != 0) {
    if (errno == ENOENT) return;
    cannot_listen(endpoint, errno_code());
  }
  if (!S_ISSOCK(info.st_mode)) {
    cannot_listen(endpoint, std::make_error_code(std::errc::file_exists),
                  endpoint.path + " exists and is not a socket");
  }
  Socket probe(io);
  std::error_code error;
  probe.open(local.protocol(), error);
  if (!error) probe.non_blocking(true, error);
  if (!error) probe.connect(local, error);
  if (error != asio::error::connection_refused) {
    // Connected, or a listener too busy to answer: someone serves this path.
    cannot_listen(endpoint, std::make_error_code(std::errc::address_in_use),
                  "another process accepts connections on " + endpoint.path);
  }
  if (::unlink(endpoint.path.c_str()) != 0 && errno != ENOENT) {
    cannot_listen(endpoint, errno_code(), "removing the stale socket " + endpoint.path);
  }
}

// TlsServerFactory: the ssl: endpoint's factory: each connection of `inner` in a server
// TLS layer (kit/tls). Not a kit::tls::TlsWrappingFactory: connections stay open after
// the port stops and the port owns this factory, so no layer may point back at it (a
// layer's SSL holds its own reference to the TLS context).
class TlsServerFactory final : public Factory {
 public:
  TlsServerFactory(Factory& inner, tls::TlsContext context)
      : inner_(inner), context_(std::move(context)) {}

  std::unique_ptr<Protocol> build_protocol(const Address& peer) override {
    std::unique_ptr<Protocol> protocol = inner_.build_protocol(peer);
    if (protocol == nullptr) return nullptr;
    return std::make_unique<tls::TlsWrapper>(std::move(protocol), context_);
  }
  void start_factory() override { inner_.do_start(); }
  void stop_factory() override { inner_.do_stop(); }

 private:
  Factory& inner_;
  tls::TlsContext context_;
};

}  // namespace

std::unique_ptr<SocketPort> SocketPort::open(LiveReactor::Impl& reactor, const Endpoint& endpoint,
                                             Factory& factory) {
  SocketEndpoint local;
  std::error_code error;
  std::unique_ptr<Factory> tls_factory;
  switch (endpoint.kind) {
    case Endpoint::Kind::ssl:
      try {
        // certKey defaults to privateKey: one PEM file with the chain and the key.
        tls_factory = std::make_unique<TlsServerFactory>(
            factory, tls::TlsContext::server({.certificate_chain_file = endpoint.cert_key.empty()
                                                                            ? endpoint.private_key
                                                                            : endpoint.cert_key,
                                              .private_key_file = endpoint.private_key}));
      } catch (const tls::TlsContextError& e) {
        cannot_listen(endpoint, std::make_error_code(std::errc::invalid_argument), e.what());
      }
      [[fallthrough]];
    case Endpoint::Kind::tcp: {
      // All interfaces: IPv6's any address, taking IPv4 too (below), where IPv6 exists.
      asio::ip::address ip = asio::ip::address_v6::any();
      if (!endpoint.host.empty()) {
        ip = asio::ip::make_address(endpoint.host, error);
        if (error) {
          cannot_listen(endpoint, std::make_error_code(std::errc::invalid_argument),
                        "the interface '" + endpoint.host + "' is not an IP address");
        }
      }
      local = tcp_endpoint(ip, endpoint.port);
      break;
    }
    case Endpoint::Kind::unix_socket:
      local = unix_endpoint(endpoint.path, error);
      if (error) cannot_listen(endpoint, error);
      clear_unix_path(reactor.io, endpoint, local);
      break;
  }

  const bool tcp = endpoint.kind != Endpoint::Kind::unix_socket;
  const bool all_interfaces = tcp && endpoint.host.empty();
  Acceptor acceptor(reactor.io);
  acceptor.open(local.protocol(), error);
  if (error && all_interfaces) {
    // No IPv6 on this machine: all interfaces are the IPv4 ones.
    local = tcp_endpoint(asio::ip::address_v4::any(), endpoint.port);
    error.clear();
    acceptor.open(local.protocol(), error);
  }
  if (error) cannot_listen(endpoint, error);
  if (tcp) {
    acceptor.set_option(asio::socket_base::reuse_address(true), error);
    if (error) cannot_listen(endpoint, error);
  }
  if (all_interfaces && local.protocol().family() == AF_INET6) {
    // Dual stack: IPv4 clients arrive as v4-mapped addresses (reported as plain IPv4).
    acceptor.set_option(asio::ip::v6_only(false), error);
    if (error) cannot_listen(endpoint, error);
  }
  acceptor.bind(local, error);
  if (error) cannot_listen(endpoint, error);

  // From here on the port owns what it created (the socket file included).
  std::unique_ptr<SocketPort> port(
      new SocketPort(reactor, factory, std::move(acceptor), std::move(tls_factory)));
  if (endpoint.kind == Endpoint::Kind::unix_socket) {
    struct stat info {};
    if (::lstat(endpoint.path.c_str(), &info) == 0) {
      port->socket_path_ = endpoint.path;
      port->socket_device_ = info.st_dev;
      port->socket_inode_ = info.st_ino;
    }
    // Before listen(): nobody can connect yet, so no one slips in under the wrong mode.
    if (endpoint.mode && ::chmod(endpoint.path.c_str(), *endpoint.mode) != 0) {
      cannot_listen(endpoint, errno_code(), "setting the mode of " + endpoint.path);
    }
  }
  port->acceptor_->listen(endpoint.backlog, error);
  if (error) cannot_listen(endpoint, error);
  const SocketEndpoint bound = port->acceptor_->local_endpoint(error);
  if (error) cannot_listen(endpoint, error);
  port->address_ = endpoint.kind == Endpoint::Kind::unix_socket
                       ? Address::unix_socket(endpoint.path)
                       : to_address(bound);

  port->factory_.do_start();
  port->factory_started_ = true;
  port->id_ = reactor.add_port(*port);
  port->accept_next();
  return port;
}

SocketPort::SocketPort(LiveReactor::Impl& reactor, Factory& factory, Acceptor acceptor,
                       std::unique_ptr<Factory> tls_factory)
    : reactor_(&reactor),
      factory_(tls_factory ? *tls_factory : factory),
      tls_factory_(std::move(tls_factory)),
      acceptor_(std::move(acceptor)) {}

SocketPort::~SocketPort() { stop_listening(); }

void SocketPort::accept_next() {
  acceptor_->async_accept(
      peer_, [reactor = reactor_, id = id_](const std::error_code& error, Socket socket) {
        on_accept(reactor, id, error, std::move(socket));
      });
}

void SocketPort::on_accept(LiveReactor::Impl* reactor, std::uint64_t id,
                           const std::error_code& error, Socket socket) {
  // A port that stopped (or is gone) lets the socket close with this handler.
  if (SocketPort* port = reactor->find_port(id)) port->accepted(error, std::move(socket));
}

void SocketPort::accepted(const std::error_code& error, Socket socket) {
  if (error) {
    if (error == asio::error::operation_aborted) return;
    if (error_of_one_connection(error)) return accept_next();
    // Out of descriptors or memory, or something unforeseen: the listening socket stays
    // readable, so accepting again at once would spin. Wait a little instead.
    // Kept per port and error: out of descriptors, this repeats ten times a second.
    reactor_->log_limited().log(
        LogLevel::warning, "accept paused on " + description() + ": " + error.message(),
        "accepting on " + description() + ": " + error.message() + "; pausing accepts for 100 ms");
    accept_retry_ = reactor_->schedule(reactor_->now() + accept_pause, [this] { accept_next(); });
    return;
  }
  // Read the peer before the next accept reuses peer_; the transport's callbacks may stop
  // or destroy this port, so nothing touches it after start().
  const Address peer = to_address(peer_);
  LiveReactor::Impl& reactor = *reactor_;
  Factory& factory = factory_;
  accept_next();
  SocketTransport::start(reactor, std::move(socket), peer, factory, nullptr);
}

void SocketPort::stop_listening() {
  if (!acceptor_) return;
  accept_retry_.cancel();
  std::error_code ignored;
  acceptor_->close(ignored);
  acceptor_.reset();
  remove_socket_file();
  if (reactor_ != nullptr && id_ != 0) reactor_->remove_port(id_);
  if (factory_started_) {
    factory_started_ = false;
    run_logged("stop_factory", [this] { factory_.do_stop(); });
  }
}

void SocketPort::remove_socket_file() noexcept {
  if (socket_path_.empty()) return;
  // Only the file this port made: another server may have replaced it since.
  struct stat info {};
  if (::lstat(socket_path_.c_str(), &info) == 0 && info.st_dev == socket_device_ &&
      info.st_ino == socket_inode_) {
    ::unlink(socket_path_.c_str());
  }
  socket_path_.clear();
}

void SocketPort::detach() noexcept {
  stop_listening();
  reactor_ = nullptr;
}

}  // namespace kit::live
