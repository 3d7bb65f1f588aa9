#include "kit/live/live_reactor.h"

#include <asio/error.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "kit/failure.h"
#include "kit/live/live_reactor_impl.h"
#include "kit/live/socket_connector.h"
#include "kit/live/socket_port.h"
#include "kit/live/socket_transport.h"
#include "kit/log.h"
#include "kit/tls/tls_client_factory.h"
#include "kit/tls/tls_context.h"

namespace kit::live {
namespace {

std::chrono::steady_clock::time_point to_steady(TimePoint t) {
  return std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(t.time_since_epoch()));
}

}  // namespace

std::error_code system_error(const std::error_code& error) noexcept {
  if (error.category() == asio::error::get_system_category()) {
    return std::error_code(error.value(), std::system_category());
  }
  return error;
}

bool run_logged(std::string_view what, const std::function<void()>& fn) {
  try {
    fn();
    return true;
  } catch (...) {
    log(LogLevel::error,
        "exception in " + std::string(what) + ": " + Failure::current_exception().what());
    return false;
  }
}

struct LiveReactor::Impl::SignalWatch {
  SignalWatch(asio::io_context& io, std::function<void(int)> handler)
      : signals(io), handler(std::move(handler)) {}
  asio::signal_set signals;
  std::function<void(int)> handler;
};

// ---- construction and teardown

LiveReactor::Impl::Impl(LiveReactor& owner)
    : owner(owner),
      timer_(io),
      timers_(owner),
      read_buffer_(std::make_unique_for_overwrite<char[]>(read_buffer_size)),
      log_limiter_(owner) {
  timers_.set_on_earlier_front([this] { arm_timer(); });
}

LiveReactor::Impl::~Impl() {
  // Protocols and factories hear the end first (connection_lost, client_connection_failed),
  // while everything they might call is still here -- the thread pool included: a
  // protocol may hand the pool its cleanup as its connection ends.
  abort_all();
  cancel_connectors();
  // Then every Asio object goes, before the io_context's handlers are destroyed.
  while (!ports_.empty()) ports_.begin()->second->detach();
  while (!connectors_.empty()) {
    std::shared_ptr<SocketConnector> connector = std::move(connectors_.begin()->second);
    connectors_.erase(connectors_.begin());
    connector->detach();
  }
  signals_.clear();
  timer_.cancel();
  for (SocketTransport* t = transports_; t != nullptr; t = t->next) t->close_socket();
  // Queued handlers (they refer to transports by pointer) are destroyed, not run.
  io.shutdown();
  while (transports_ != nullptr) {
    SocketTransport* transport = transports_;
    transports_ = transport->next;
    delete transport;
  }
  // Last, once no protocol is left to use it: pool threads finish what they run and post
  // its result to the io_context, which is still here to take it (and destroys it, not
  // run, with the other handlers); work not started is destroyed.
  pool_.reset();
}

// ---- time

TimePoint LiveReactor::Impl::now() const {
  return TimePoint(
      std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now().time_since_epoch()));
}

DelayedCall LiveReactor::Impl::schedule(TimePoint deadline, unique_function<void()> fn) {
  return timers_.add(deadline, std::move(fn));
}

void LiveReactor::Impl::arm_timer() {
  const std::optional<TimePoint> next = timers_.next_deadline();
  if (!next || (timer_armed_at_ && *timer_armed_at_ <= *next)) return;
  timer_armed_at_ = *next;
  // Re-arming cancels the wait in progress; its handler sees operation_aborted.
  timer_.expires_at(to_steady(*next));
  timer_.async_wait([this](const std::error_code& error) { on_timer(error); });
}

void LiveReactor::Impl::on_timer(const std::error_code& error) {
  if (error == asio::error::operation_aborted) return;
  timer_armed_at_.reset();
  // Only calls due now: one scheduled meanwhile for "now" waits for the next turn, so a
  // call that keeps rescheduling itself cannot starve I/O.
  const TimePoint due = now();
  while (unique_function<void()> fn = timers_.pop_due(due)) {
    try {
      fn();
    } catch (...) {
      log(LogLevel::error, "exception in a delayed call: " + Failure::current_exception().what());
    }
  }
  arm_timer();
}

// ---- call_soon

void LiveReactor::Impl::call_soon(unique_function<void()> fn) {
  if (!fn) throw std::invalid_argument("LiveReactor::call_soon: empty function");
  soon_.push_back(std::move(fn));
  if (soon_posted_) return;
  soon_posted_ = true;
  asio::post(io, [this] { run_soon(); });
}

void LiveReactor::Impl::run_soon() {
  soon_posted_ = false;
  // Calls queued while these run wait for the next turn, after pending I/O.
  std::vector<unique_function<void()>> batch = std::exchange(soon_, {});
  for (unique_function<void()>& fn : batch) {
    try {
      fn();
    } catch (...) {
      log(LogLevel::error, "exception in call_soon: " + Failure::current_exception().what());
    }
  }
}

// ---- transports, ports, connectors

void LiveReactor::Impl::adopt(SocketTransport& transport) {
  transport.prev = nullptr;
  transport.next = transports_;
  if (transports_ != nullptr) transports_->prev = &transport;
  transports_ = &transport;
  ++open_count_;
}

void LiveReactor::Impl::closed(SocketTransport&) {
  --open_count_;
  if (shutting_down_ && open_count_ == 0) finish_shutdown();
}

void LiveReactor::Impl::release(SocketTransport& transport) noexcept {
  if (transport.prev != nullptr) {
    transport.prev->next = transport.next;
  } else {
    transports_ = transport.next;
  }
  if (transport.next != nullptr) transport.next->prev = transport.prev;
  delete &transport;
}

std::uint64_t LiveReactor::Impl::add_port(SocketPort& port) {
  const std::uint64_t id = next_port_id_++;
  ports_.emplace(id, &port);
  return id;
}

SocketPort* LiveReactor::Impl::find_port(std::uint64_t id) const {
  auto found = ports_.find(id);
  return found == ports_.end() ? nullptr : found->second;
}

void LiveReactor::Impl::add_connector(std::shared_ptr<SocketConnector> connector) {
  SocketConnector* key = connector.get();
  connectors_.emplace(key, std::move(connector));
}

void LiveReactor::Impl::remove_connector(SocketConnector& connector) {
  connectors_.erase(&connector);
}

std::vector<SocketTransport*> LiveReactor::Impl::hold_open() {
  std::vector<SocketTransport*> held;
  held.reserve(open_count_);
  for (SocketTransport* t = transports_; t != nullptr; t = t->next) {
    if (!t->open()) continue;
    t->add_ref();
    held.push_back(t);
  }
  return held;
}

void LiveReactor::Impl::release_all(const std::vector<SocketTransport*>& held) {
  for (SocketTransport* t : held) t->drop_ref();
}

void LiveReactor::Impl::abort_all() {
  std::vector<SocketTransport*> held = hold_open();
  for (SocketTransport* t : held) t->abort_now();
  release_all(held);
}

void LiveReactor::Impl::cancel_connectors() {
  std::vector<std::shared_ptr<SocketConnector>> connecting;
  for (auto& [key, connector] : connectors_) {
    if (connector->state() == Connector::State::connecting) connecting.push_back(connector);
  }
  for (auto& connector : connecting) connector->stop_connecting();
}

// ---- run, stop, shutdown

void LiveReactor::Impl::run() {
  if (running_) throw std::logic_error("LiveReactor::run: the reactor is already running");
  running_ = true;
  struct Reset {
    bool& flag;
    ~Reset() { flag = false; }
  } reset{running_};
  io.restart();
  auto work = asio::make_work_guard(io);
  io.run();
}

bool LiveReactor::Impl::run_until(const std::function<bool()>& done, Duration timeout) {
  if (running_) throw std::logic_error("LiveReactor::run_until: the reactor is already running");
  running_ = true;
  struct Reset {
    bool& flag;
    ~Reset() { flag = false; }
  } reset{running_};
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(timeout);
  io.restart();
  auto work = asio::make_work_guard(io);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (io.run_one_until(deadline) == 0 && io.stopped()) return done();
  }
  return true;
}

void LiveReactor::Impl::stop() {
  // Posted: safe from any thread, and never inside a protocol's callback.
  asio::post(io, [this] { do_stop(); });
}

void LiveReactor::Impl::do_stop() {
  abort_all();
  cancel_connectors();
  grace_call_.cancel();
  shutting_down_ = false;
  io.stop();
}

void LiveReactor::Impl::shutdown(Duration grace) {
  if (grace < Duration::zero())
    throw std::invalid_argument("LiveReactor::shutdown: negative grace");
  asio::post(io, [this, grace] { do_shutdown(grace); });
}

void LiveReactor::Impl::do_shutdown(Duration grace) {
  if (shutting_down_) return;
  shutting_down_ = true;
  while (!ports_.empty()) ports_.begin()->second->stop_listening();
  cancel_connectors();
  std::vector<SocketTransport*> held = hold_open();
  for (SocketTransport* t : held) t->stop_requested();
  release_all(held);
  if (!shutting_down_) return;  // the last connection closed already
  if (open_count_ == 0) return finish_shutdown();
  grace_call_ = owner.call_later(grace, [this] {
    abort_all();
    finish_shutdown();
  });
}

void LiveReactor::Impl::finish_shutdown() {
  if (!shutting_down_) return;
  shutting_down_ = false;
  grace_call_.cancel();
  io.stop();
}

// ---- signals

void LiveReactor::Impl::on_signals(std::initializer_list<int> signals,
                                   std::function<void(int)> handler) {
  if (!handler) throw std::invalid_argument("LiveReactor::on_signals: empty handler");
  auto watch = std::make_unique<SignalWatch>(io, std::move(handler));
  for (int signal : signals) {
    std::error_code error;
    watch->signals.add(signal, error);
    if (error) {
      throw FailureError(Failure(error, "cannot handle signal " + std::to_string(signal)));
    }
  }
  SignalWatch& ref = *watch;
  signals_.push_back(std::move(watch));
  this->watch(ref);
}

void LiveReactor::Impl::watch(SignalWatch& watch) {
  watch.signals.async_wait([this, &watch](const std::error_code& error, int signal) {
    if (error) return;  // cancelled: the reactor is going away
    run_logged("a signal handler", [&] { watch.handler(signal); });
    this->watch(watch);
  });
}

// ---- LiveReactor

LiveReactor::LiveReactor() : impl_(std::make_unique<Impl>(*this)) {}
LiveReactor::~LiveReactor() = default;

TimePoint LiveReactor::now() const { return impl_->now(); }
DelayedCall LiveReactor::schedule(TimePoint deadline, unique_function<void()> fn) {
  return impl_->schedule(deadline, std::move(fn));
}
void LiveReactor::call_soon(unique_function<void()> fn) { impl_->call_soon(std::move(fn)); }

void LiveReactor::call_from_thread(unique_function<void()> fn) {
  if (!fn) throw std::invalid_argument("LiveReactor::call_from_thread: empty function");
  asio::post(impl_->io, [fn = std::move(fn)]() mutable {
    try {
      fn();
    } catch (...) {
      log(LogLevel::error, "exception in call_from_thread: " + Failure::current_exception().what());
    }
  });
}

ThreadPool& LiveReactor::Impl::thread_pool() {
  if (!pool_) {
    pool_ = std::make_unique<LiveThreadPool>(
        [this](unique_function<void()> done) { owner.call_from_thread(std::move(done)); });
  }
  return *pool_;
}

Random& LiveReactor::random() { return impl_->random(); }

ThreadPool& LiveReactor::thread_pool() { return impl_->thread_pool(); }

std::unique_ptr<ListeningPort> LiveReactor::listen(const Endpoint& endpoint, Factory& factory) {
  return SocketPort::open(*impl_, endpoint, factory);
}

std::shared_ptr<Connector> LiveReactor::connect(const Endpoint& endpoint, ClientFactory& factory) {
  std::unique_ptr<ClientFactory> layer;
  if (endpoint.kind == Endpoint::Kind::ssl) {
    // Verified against caCerts, or else the system's CA store, for the endpoint's host.
    std::optional<tls::TlsContext> context;
    try {
      tls::TlsClientOptions options;
      if (!endpoint.ca_certs.empty()) options.ca_files = {endpoint.ca_certs};
      context.emplace(tls::TlsContext::client(options));
    } catch (const tls::TlsContextError& e) {
      throw FailureError(Failure(std::make_error_code(std::errc::invalid_argument),
                                 "cannot connect to ssl:" + endpoint.host + ":" +
                                     std::to_string(endpoint.port) + ": " + e.what()));
    }
    layer = std::make_unique<tls::TlsClientFactory>(factory, std::move(*context), endpoint.host);
  }
  auto connector = std::make_shared<SocketConnector>(*impl_, endpoint, factory, std::move(layer));
  connector->connect();
  return connector;
}

void LiveReactor::run() { impl_->run(); }
void LiveReactor::stop() { impl_->stop(); }
void LiveReactor::shutdown(Duration grace) { impl_->shutdown(grace); }
void LiveReactor::on_signals(std::initializer_list<int> signals, std::function<void(int)> handler) {
  impl_->on_signals(signals, std::move(handler));
}
bool LiveReactor::run_until(const std::function<bool()>& done, Duration timeout) {
  return impl_->run_until(done, timeout);
}
std::size_t LiveReactor::open_connections() const { return impl_->open_connections(); }

}  // namespace kit::live
