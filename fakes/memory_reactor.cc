#include "fakes/memory_reactor.h"

#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include "kit/log.h"

namespace kit::fakes {
namespace {

bool is_wildcard(const std::string& host) {
  return host.empty() || host == "0.0.0.0" || host == "::";
}

// The scheme an IP address of this endpoint prints with: TLS endpoints say ssl:.
std::string_view scheme_of(const Endpoint& endpoint) {
  return endpoint.kind == Endpoint::Kind::ssl ? "ssl" : "tcp";
}

// Where a client connection goes: the endpoint's host and port, or its path.
Address destination_address(const Endpoint& endpoint) {
  if (endpoint.kind == Endpoint::Kind::unix_socket) return Address::unix_socket(endpoint.path);
  return Address::tcp(endpoint.host, endpoint.port);
}

// The "connecting to" form of a client endpoint, for messages.
std::string describe_destination(const Endpoint& endpoint) {
  return destination_address(endpoint).to_string(scheme_of(endpoint));
}

}  // namespace

// ---- MemoryReactor::Port: the state of one listen, shared by the record and the handle.

class MemoryReactor::Port final : public ListeningPort {
 public:
  Port(Endpoint endpoint, Factory& factory, Address address)
      : endpoint_(std::move(endpoint)), factory_(factory), address_(std::move(address)) {}

  Address address() const override { return address_; }

  std::string description() const override { return address_.to_string(scheme_of(endpoint_)); }

  void stop_listening() override {
    if (!listening_) return;
    listening_ = false;
    factory_.do_stop();
  }

  const Endpoint& endpoint() const noexcept { return endpoint_; }
  Factory& factory() const noexcept { return factory_; }
  bool listening() const noexcept { return listening_; }

  std::size_t accepted = 0;
  std::size_t refused = 0;

 private:
  Endpoint endpoint_;
  Factory& factory_;
  Address address_;
  bool listening_ = true;
};

namespace {

// What listen() returns: stops the port when destroyed, which the record outlives.
class PortHandle final : public ListeningPort {
 public:
  explicit PortHandle(std::shared_ptr<ListeningPort> port) : port_(std::move(port)) {}
  ~PortHandle() override { port_->stop_listening(); }
  PortHandle(const PortHandle&) = delete;
  PortHandle& operator=(const PortHandle&) = delete;

  Address address() const override { return port_->address(); }
  std::string description() const override { return port_->description(); }
  void stop_listening() override { port_->stop_listening(); }

 private:
  std::shared_ptr<ListeningPort> port_;
};

}  // namespace

// ---- MemoryReactor::ConnectorImpl

class MemoryReactor::ConnectorImpl final : public Connector,
                                           public std::enable_shared_from_this<ConnectorImpl> {
 public:
  ConnectorImpl(MemoryReactor& reactor, Endpoint endpoint, ClientFactory& factory)
      : reactor_(&reactor), endpoint_(std::move(endpoint)), factory_(factory) {}

  void connect() override {
    require_reactor("connect");
    if (state_ != State::disconnected) {
      throw std::logic_error("Connector::connect: " + describe() + " is already " +
                             (state_ == State::connecting ? "connecting" : "connected"));
    }
    state_ = State::connecting;
    ++attempts_;
    if (!factory_started_) {
      factory_started_ = true;
      factory_.do_start();
    }
    if (endpoint_.timeout > Duration::zero()) {
      timeout_ = reactor_->clock_.call_later(endpoint_.timeout, [this] {
        fail_attempt(Failure(errc::timed_out, "connecting to " + describe()));
      });
    }
    factory_.started_connecting(*this);
  }

  void stop_connecting() override {
    if (state_ != State::connecting) {
      throw std::logic_error("Connector::stop_connecting: " + describe() + " is not connecting");
    }
    fail_attempt(Failure(errc::cancelled, "connecting to " + describe()));
  }

  void disconnect() override {
    if (state_ == State::connecting) {
      stop_connecting();
    } else if (state_ == State::connected && connection_ != nullptr) {
      connection_->transport.lose_connection();
    }
  }

  State state() const override { return state_; }
  const Endpoint& destination() const override { return endpoint_; }

  ClientFactory& factory() const noexcept { return factory_; }
  std::size_t attempts() const noexcept { return attempts_; }
  StringTransport* transport() const noexcept { return transport_; }

  StringTransport* complete() {
    require_connecting("complete");
    timeout_.cancel();
    Address peer = destination_address(endpoint_);
    std::unique_ptr<Protocol> protocol = factory_.build_protocol(peer);
    if (!protocol) {
      fail_attempt(Failure(errc::connection_aborted,
                           "connecting to " + describe() + ": the factory built no protocol"));
      return nullptr;
    }
    Address host = endpoint_.kind == Endpoint::Kind::unix_socket
                       ? Address::unix_socket("")
                       : Address::tcp("127.0.0.1", reactor_->next_fake_port());
    Connection& connection = reactor_->add_connection(peer, std::move(host), std::move(protocol));
    connection.connector = shared_from_this();
    connection_ = &connection;
    transport_ = &connection.transport;
    state_ = State::connected;
    connection.transport.connect(*connection.protocol);
    return transport_;
  }

  void fail(Failure reason) {
    require_connecting("fail");
    fail_attempt(std::move(reason));
  }

  // The connection complete() made has ended (its protocol's connection_lost() returned).
  void connection_lost(const Failure& reason) {
    connection_ = nullptr;
    state_ = State::disconnected;
    factory_.client_connection_lost(*this, reason);
    stop_factory_unless_retrying();
  }

  // The reactor is going away: nothing more happens through this connector.
  void detach() noexcept {
    reactor_ = nullptr;
    connection_ = nullptr;
    transport_ = nullptr;
    timeout_.cancel();
    state_ = State::disconnected;
  }

 private:
  std::string describe() const { return describe_destination(endpoint_); }

  void require_reactor(const char* what) const {
    if (reactor_ == nullptr) {
      throw std::logic_error(std::string("Connector::") + what + ": the MemoryReactor of " +
                             describe() + " is gone");
    }
  }

  void require_connecting(const char* what) const {
    require_reactor(what);
    if (state_ != State::connecting) {
      throw std::logic_error(std::string("MemoryReactor::Connect::") + what + ": " + describe() +
                             " is not connecting (call connect() on its connector first)");
    }
  }

  void fail_attempt(Failure reason) {
    timeout_.cancel();
    state_ = State::disconnected;
    factory_.client_connection_failed(*this, reason);
    stop_factory_unless_retrying();
  }

  // The factory stops once its connector is done, unless a callback connected again.
  void stop_factory_unless_retrying() {
    if (state_ == State::disconnected && factory_started_) {
      factory_started_ = false;
      factory_.do_stop();
    }
  }

  MemoryReactor* reactor_;
  Endpoint endpoint_;
  ClientFactory& factory_;
  State state_ = State::disconnected;
  bool factory_started_ = false;
  std::size_t attempts_ = 0;
  DelayedCall timeout_;
  Connection* connection_ = nullptr;      // while connected
  StringTransport* transport_ = nullptr;  // the latest connection's
};

// ---- records

const Endpoint& MemoryReactor::Listen::endpoint() const noexcept { return port_->endpoint(); }
Factory& MemoryReactor::Listen::factory() const noexcept { return port_->factory(); }
ListeningPort& MemoryReactor::Listen::port() const noexcept { return *port_; }
bool MemoryReactor::Listen::listening() const noexcept { return port_->listening(); }
std::size_t MemoryReactor::Listen::accepted() const noexcept { return port_->accepted; }
std::size_t MemoryReactor::Listen::refused() const noexcept { return port_->refused; }

const Endpoint& MemoryReactor::Connect::endpoint() const noexcept {
  return connector_->destination();
}
ClientFactory& MemoryReactor::Connect::factory() const noexcept { return connector_->factory(); }
Connector& MemoryReactor::Connect::connector() const noexcept { return *connector_; }
std::size_t MemoryReactor::Connect::attempts() const noexcept { return connector_->attempts(); }
StringTransport* MemoryReactor::Connect::complete() const { return connector_->complete(); }
void MemoryReactor::Connect::fail(Failure reason) const { connector_->fail(std::move(reason)); }
StringTransport* MemoryReactor::Connect::transport() const noexcept {
  return connector_->transport();
}

// ---- MemoryReactor

MemoryReactor::MemoryReactor() {
  clock_.set_on_advance([this] { run_thread_calls(); });
}

MemoryReactor::~MemoryReactor() {
  for (Connect& connect : connects_) connect.connector_->detach();
  clock_.set_on_advance(nullptr);
}

DelayedCall MemoryReactor::schedule(TimePoint deadline, unique_function<void()> fn) {
  return clock_.call_later(deadline - clock_.now(), std::move(fn));
}

void MemoryReactor::call_soon(unique_function<void()> fn) {
  clock_.call_later(Duration::zero(), std::move(fn)).detach();
}

void MemoryReactor::call_from_thread(unique_function<void()> fn) {
  if (!fn) throw std::invalid_argument("MemoryReactor::call_from_thread: empty function");
  std::lock_guard lock(thread_calls_mutex_);
  thread_calls_.push_back(std::move(fn));
}

void MemoryReactor::run_thread_calls() {
  std::vector<unique_function<void()>> calls;
  {
    std::lock_guard lock(thread_calls_mutex_);
    calls.swap(thread_calls_);
  }
  for (unique_function<void()>& fn : calls) call_soon(std::move(fn));
}

std::uint16_t MemoryReactor::next_fake_port() {
  while (true) {
    std::uint16_t port = next_port_;
    next_port_ = next_port_ == 65535 ? first_fake_port : static_cast<std::uint16_t>(next_port_ + 1);
    bool taken = false;
    for (const Listen& listen : listens_) {
      if (listen.listening() && listen.port().address().port() == port) taken = true;
    }
    if (!taken) return port;
  }
}

bool MemoryReactor::address_in_use(const Endpoint& endpoint) const {
  for (const Listen& listen : listens_) {
    if (!listen.listening()) continue;
    const Endpoint& other = listen.endpoint();
    const bool unix_socket = endpoint.kind == Endpoint::Kind::unix_socket;
    if (unix_socket != (other.kind == Endpoint::Kind::unix_socket)) continue;
    if (unix_socket) {
      if (other.path == endpoint.path) return true;
    } else if (endpoint.port != 0 && listen.port().address().port() == endpoint.port &&
               (other.host == endpoint.host || is_wildcard(other.host) ||
                is_wildcard(endpoint.host))) {
      return true;
    }
  }
  return false;
}

std::unique_ptr<ListeningPort> MemoryReactor::listen(const Endpoint& endpoint, Factory& factory) {
  if (address_in_use(endpoint)) {
    throw FailureError(Failure(std::make_error_code(std::errc::address_in_use),
                               "listening on " + endpoint.to_string()));
  }
  Address address;
  if (endpoint.kind == Endpoint::Kind::unix_socket) {
    address = Address::unix_socket(endpoint.path);
  } else {
    address = Address::tcp(endpoint.host.empty() ? "0.0.0.0" : endpoint.host,
                           endpoint.port != 0 ? endpoint.port : next_fake_port());
  }
  auto port = std::make_shared<Port>(endpoint, factory, std::move(address));
  factory.do_start();
  listens_.push_back(Listen(port));
  return std::make_unique<PortHandle>(std::move(port));
}

std::shared_ptr<Connector> MemoryReactor::connect(const Endpoint& endpoint,
                                                  ClientFactory& factory) {
  auto connector = std::make_shared<ConnectorImpl>(*this, endpoint, factory);
  connects_.push_back(Connect(connector));
  connector->connect();
  return connector;
}

StringTransport* MemoryReactor::accept(std::size_t listen_index, Address peer) {
  if (listen_index >= listens_.size()) {
    throw std::out_of_range("MemoryReactor::accept: no listen #" + std::to_string(listen_index) +
                            " (there are " + std::to_string(listens_.size()) + ")");
  }
  Listen& listen = listens_[listen_index];
  if (!listen.listening()) {
    throw std::logic_error("MemoryReactor::accept: listen #" + std::to_string(listen_index) + " (" +
                           listen.port().description() + ") has stopped listening");
  }
  std::unique_ptr<Protocol> protocol = listen.factory().build_protocol(peer);
  if (!protocol) {
    ++listen.port_->refused;
    log(LogLevel::info, "MemoryReactor: the factory listening on " + listen.port().description() +
                            " refused a connection from " + peer.to_string());
    return nullptr;
  }
  ++listen.port_->accepted;
  Connection& connection =
      add_connection(std::move(peer), listen.port().address(), std::move(protocol));
  connection.transport.connect(*connection.protocol);
  return &connection.transport;
}

MemoryReactor::Connection& MemoryReactor::add_connection(Address peer, Address host,
                                                         std::unique_ptr<Protocol> protocol) {
  Connection& connection = connections_.emplace_back(std::move(peer), std::move(host));
  connection.protocol = std::move(protocol);
  connection.transport.set_clock(&clock_);
  connection.transport.set_context(*this);
  connection.transport.set_on_lost(
      [this, &connection](const Failure& reason) { connection_ended(connection, reason); });
  ++open_connections_;
  return connection;
}

void MemoryReactor::connection_ended(Connection& connection, const Failure& reason) {
  connection.open = false;
  --open_connections_;
  if (connection.connector) connection.connector->connection_lost(reason);
  connection.protocol.reset();
  if (shutting_down_ && open_connections_ == 0) stop();
}

void MemoryReactor::run() {
  if (running_) throw std::logic_error("MemoryReactor::run: already running");
  running_ = true;
  ++run_calls_;
}

void MemoryReactor::stop() {
  running_ = false;
  shutting_down_ = false;
  ++stop_calls_;
  grace_call_.cancel();
  abort_open_connections();
}

void MemoryReactor::abort_open_connections() {
  for (Connection& connection : connections_) {
    if (connection.open) connection.transport.abort_connection();
  }
}

void MemoryReactor::shutdown(Duration grace) {
  if (grace < Duration::zero()) {
    throw std::invalid_argument("MemoryReactor::shutdown: negative grace period");
  }
  shutdowns_.push_back(grace);
  if (shutting_down_) return;  // the first shutdown's grace period stands
  for (Listen& listen : listens_) listen.port().stop_listening();
  if (open_connections_ == 0) {
    stop();
    return;
  }
  shutting_down_ = true;
  grace_call_ = clock_.call_later(grace, [this] { abort_open_connections(); });
  // One driving call for all of them: every protocol hears stop_requested() before any
  // connection_lost(), as on the live reactor.
  StringTransport::drive([this] {
    for (Connection& connection : connections_) {
      if (connection.open) connection.protocol->stop_requested();
    }
  });
}

void MemoryReactor::on_signals(std::initializer_list<int> signals,
                               std::function<void(int)> handler) {
  for (int signal : signals) signal_handlers_[signal] = handler;
}

bool MemoryReactor::raise_signal(int signal) {
  auto it = signal_handlers_.find(signal);
  if (it == signal_handlers_.end() || !it->second) return false;
  std::function<void(int)> handler = it->second;  // the handler may register another
  handler(signal);
  return true;
}

std::vector<int> MemoryReactor::handled_signals() const {
  std::vector<int> signals;
  for (const auto& [signal, handler] : signal_handlers_) signals.push_back(signal);
  return signals;
}

}  // namespace kit::fakes
