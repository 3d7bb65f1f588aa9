#include "kit/live/socket_connector.h"

#include <asio/error.hpp>
#include <asio/post.hpp>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>

#include "kit/live/socket_transport.h"

namespace kit::live {
namespace {

std::string seconds_text(Duration duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", std::chrono::duration<double>(duration).count());
  return text;
}

}  // namespace

SocketConnector::SocketConnector(LiveReactor::Impl& reactor, Endpoint destination,
                                 ClientFactory& factory, std::unique_ptr<ClientFactory> layer)
    : reactor_(&reactor),
      destination_(std::move(destination)),
      layer_(std::move(layer)),
      factory_(layer_ ? *layer_ : factory) {}

// The reactor holds the connector while it connects or is connected, so this runs only
// once it is idle (or detached).
SocketConnector::~SocketConnector() = default;

std::string SocketConnector::describe() const {
  if (destination_.kind == Endpoint::Kind::unix_socket) return "unix:" + destination_.path;
  const bool v6 = destination_.host.find(':') != std::string::npos;
  const char* scheme = destination_.kind == Endpoint::Kind::ssl ? "ssl:" : "tcp:";
  return scheme + (v6 ? "[" + destination_.host + "]" : destination_.host) + ":" +
         std::to_string(destination_.port);
}

void SocketConnector::connect() {
  if (reactor_ == nullptr) throw std::logic_error("SocketConnector::connect: the reactor is gone");
  if (state_ != State::disconnected) {
    throw std::logic_error("SocketConnector::connect: already connecting or connected to " +
                           describe());
  }
  state_ = State::connecting;
  const std::uint64_t attempt = ++attempt_;
  candidates_.clear();
  next_candidate_ = 0;
  last_error_.clear();
  reactor_->add_connector(shared_from_this());
  run_logged("start_factory", [this] { factory_.do_start(); });
  run_logged("started_connecting", [this] { factory_.started_connecting(*this); });
  if (state_ != State::connecting || attempt != attempt_) return;  // stopped meanwhile

  timeout_ = reactor_->schedule(reactor_->now() + destination_.timeout, [this] {
    fail(Failure(errc::timed_out, "connecting to " + describe() + " (no connection within " +
                                      seconds_text(destination_.timeout) + " s)"));
  });

  if (destination_.kind == Endpoint::Kind::unix_socket) {
    std::error_code error;
    SocketEndpoint endpoint = unix_endpoint(destination_.path, error);
    if (error) {
      last_error_ = system_error(error);
    } else {
      candidates_.push_back(endpoint);
    }
  } else {
    std::error_code error;
    const asio::ip::address ip = asio::ip::make_address(destination_.host, error);
    if (!error) {
      candidates_.push_back(tcp_endpoint(ip, destination_.port));
    } else {
      resolver_.emplace(reactor_->io);
      resolver_->async_resolve(
          destination_.host, std::to_string(destination_.port),
          asio::ip::resolver_base::numeric_service,
          [self = shared_from_this(), attempt](const std::error_code& error,
                                               asio::ip::tcp::resolver::results_type results) {
            self->on_resolved(attempt, error, results);
          });
      return;
    }
  }
  // The first try runs from the reactor, so a failure is never reported inside connect().
  asio::post(reactor_->io, [self = shared_from_this(), attempt] {
    if (attempt == self->attempt_ && self->state_ == State::connecting) self->try_next();
  });
}

void SocketConnector::on_resolved(std::uint64_t attempt, const std::error_code& error,
                                  const asio::ip::tcp::resolver::results_type& results) {
  if (attempt != attempt_ || state_ != State::connecting) return;
  if (error) {
    if (error == asio::error::operation_aborted) return;
    return fail(Failure(system_error(error), "resolving " + destination_.host));
  }
  for (const auto& result : results) candidates_.emplace_back(result.endpoint());
  if (candidates_.empty()) {
    return fail(Failure(asio::error::host_not_found, "resolving " + destination_.host));
  }
  try_next();
}

void SocketConnector::try_next() {
  while (next_candidate_ < candidates_.size()) {
    const SocketEndpoint& endpoint = candidates_[next_candidate_++];
    socket_.emplace(reactor_->io);
    std::error_code error;
    socket_->open(endpoint.protocol(), error);
    if (error) {
      last_error_ = system_error(error);
      socket_.reset();
      continue;
    }
    socket_->async_connect(
        endpoint, [self = shared_from_this(), attempt = attempt_](const std::error_code& error) {
          self->on_connected(attempt, error);
        });
    return;
  }
  if (!last_error_) last_error_ = asio::error::host_not_found;
  fail(Failure(last_error_, "connecting to " + describe()));
}

void SocketConnector::on_connected(std::uint64_t attempt, const std::error_code& error) {
  if (attempt != attempt_ || state_ != State::connecting) return;
  if (error) {
    if (error == asio::error::operation_aborted) return;
    last_error_ = system_error(error);
    socket_.reset();
    return try_next();
  }
  const Address peer = to_address(candidates_[next_candidate_ - 1]);
  Socket socket = std::move(*socket_);
  drop_attempt();
  state_ = State::connecting;  // until made() (or the failure below)
  auto self = shared_from_this();
  Failure refusal(errc::cancelled);
  if (!SocketTransport::start(*reactor_, std::move(socket), peer, factory_, this, &refusal)) {
    fail(refusal);
  }
}

void SocketConnector::made(SocketTransport& transport) {
  state_ = State::connected;
  transport_ = &transport;
}

void SocketConnector::lost(const Failure& reason) {
  auto self = shared_from_this();  // the reactor lets go of it below
  transport_ = nullptr;
  state_ = State::disconnected;
  if (reactor_ != nullptr) reactor_->remove_connector(*this);
  run_logged("client_connection_lost", [&] { factory_.client_connection_lost(*this, reason); });
  run_logged("stop_factory", [this] { factory_.do_stop(); });
}

void SocketConnector::fail(const Failure& reason) {
  auto self = shared_from_this();  // the reactor lets go of it below
  drop_attempt();
  if (reactor_ != nullptr) reactor_->remove_connector(*this);
  run_logged("client_connection_failed", [&] { factory_.client_connection_failed(*this, reason); });
  run_logged("stop_factory", [this] { factory_.do_stop(); });
}

void SocketConnector::drop_attempt() noexcept {
  state_ = State::disconnected;
  ++attempt_;  // handlers still queued for this attempt now do nothing
  timeout_.cancel();
  socket_.reset();
  resolver_.reset();
}

void SocketConnector::stop_connecting() {
  if (state_ != State::connecting) return;
  fail(Failure(errc::cancelled, "connecting to " + describe()));
}

void SocketConnector::disconnect() {
  if (state_ == State::connecting) {
    stop_connecting();
  } else if (state_ == State::connected && transport_ != nullptr) {
    transport_->lose_connection();
  }
}

void SocketConnector::detach() noexcept {
  drop_attempt();
  transport_ = nullptr;
  reactor_ = nullptr;
}

}  // namespace kit::live
