// MemoryReactor: a Reactor that does no I/O, for testing programs, factories and clients
// (Twisted's MemoryReactorClock).
//
// It owns a FakeClock: now() and call_later() are that clock's, and call_soon() and
// call_from_thread() run, in order, on its next advance (advance(0) will do). listen()
// and connect() are recorded, and nothing more happens until the test acts:
//
//   kit::fakes::MemoryReactor reactor;
//   auto port = reactor.listen("tcp:0", server_factory);          // port 0: a fake port
//   kit::fakes::StringTransport* server = reactor.accept(0);      // a client arrives
//   auto connector = reactor.connect("tcp:example.com:80", client_factory);
//   kit::fakes::StringTransport* client = reactor.connects().at(0).complete();
//   reactor.connects().at(0).fail(kit::Failure(kit::errc::timed_out));   // or this
//
// Each connection is a StringTransport the reactor owns, with its protocol built by the
// factory. As on the live reactor, the protocol is destroyed right after its connection
// ends (after connection_lost() and the client factory's client_connection_lost()), and
// what a protocol asks for outside a driving call completes on the clock's next advance
// (StringTransport::set_clock). A connection attempt that is neither completed nor failed
// fails with errc::timed_out once the endpoint's timeout passes on the clock.
//
// run(), stop(), shutdown() and on_signals() are recorded. stop() aborts the open
// connections; shutdown(grace) stops listening, calls stop_requested() on every open
// protocol, and aborts the ones still open once `grace` passes on the clock, then stops.
// raise_signal() runs the handler registered for a signal.
//
// Thread safety: the test's thread, except call_from_thread(), which any thread may call.
#ifndef KIT_FAKES_MEMORY_REACTOR_H_
#define KIT_FAKES_MEMORY_REACTOR_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "fakes/fake_clock.h"
#include "fakes/fake_random.h"
#include "fakes/fake_thread_pool.h"
#include "fakes/string_transport.h"
#include "kit/address.h"
#include "kit/client_factory.h"
#include "kit/connector.h"
#include "kit/endpoint.h"
#include "kit/factory.h"
#include "kit/failure.h"
#include "kit/listening_port.h"
#include "kit/protocol.h"
#include "kit/reactor.h"
#include "kit/unique_function.h"

namespace kit::fakes {

class MemoryReactor final : public Reactor {
 private:
  class Port;
  class ConnectorImpl;

  // One connection made by accept() or Connect::complete().
  struct Connection {
    Connection(Address peer, Address host) : transport(std::move(peer), std::move(host)) {}
    StringTransport transport;
    std::unique_ptr<Protocol> protocol;        // destroyed once the connection ends
    std::shared_ptr<ConnectorImpl> connector;  // the client's connector, if a client
    bool open = true;
  };

 public:
  // The first port handed out for listen() on port 0 and for the local end of clients.
  static constexpr std::uint16_t first_fake_port = 32768;

  // Listen: one listen() call, as recorded.
  class Listen {
   public:
    const Endpoint& endpoint() const noexcept;
    Factory& factory() const noexcept;
    // port: the port listen() returned; it stays valid after that one is destroyed.
    // address() and description() give the endpoint with port 0 replaced by a fake port.
    ListeningPort& port() const noexcept;
    // listening: stop_listening() was not called (destroying the returned port calls it).
    bool listening() const noexcept;
    // accepted / refused: connections accept() made here, and ones the factory refused.
    std::size_t accepted() const noexcept;
    std::size_t refused() const noexcept;

   private:
    friend class MemoryReactor;
    explicit Listen(std::shared_ptr<Port> port) : port_(std::move(port)) {}
    std::shared_ptr<Port> port_;
  };

  // Connect: one connect() call and its connector, whose attempts the test settles.
  class Connect {
   public:
    const Endpoint& endpoint() const noexcept;
    ClientFactory& factory() const noexcept;
    Connector& connector() const noexcept;
    // attempts: how many attempts the connector started (connect() and every retry).
    std::size_t attempts() const noexcept;

    // complete: the attempt in progress succeeds: the factory builds the protocol for the
    // endpoint's address and it is connected to a new StringTransport, returned. Returns
    // nullptr when build_protocol() gave nullptr; the factory then hears
    // client_connection_failed(errc::connection_aborted). Throws std::logic_error when
    // the connector is not connecting.
    StringTransport* complete() const;
    // fail: the attempt in progress fails; the factory hears
    // client_connection_failed(reason). Throws std::logic_error when not connecting.
    void fail(Failure reason) const;
    // transport: the transport of the latest connection complete() made, or nullptr.
    StringTransport* transport() const noexcept;

   private:
    friend class MemoryReactor;
    explicit Connect(std::shared_ptr<ConnectorImpl> connector) : connector_(std::move(connector)) {}
    std::shared_ptr<ConnectorImpl> connector_;
  };

  MemoryReactor();
  ~MemoryReactor() override;
  MemoryReactor(const MemoryReactor&) = delete;
  MemoryReactor& operator=(const MemoryReactor&) = delete;

  using Reactor::connect;
  using Reactor::listen;

  // clock: the reactor's time; advance it to run timers, call_soon() and the like.
  FakeClock& clock() noexcept override { return clock_; }
  // random: the connections' Random, a FakeRandom seeded with 0.
  FakeRandom& random() override { return random_; }

  // ---- Reactor
  TimePoint now() const override { return clock_.now(); }
  void call_soon(unique_function<void()> fn) override;
  void call_from_thread(unique_function<void()> fn) override;
  // thread_pool: a FakeThreadPool; its work runs when the test calls run_all(), and the
  // results come through call_from_thread(), on the clock's next advance.
  FakeThreadPool& thread_pool() override { return thread_pool_; }
  // listen: records the listen and starts the factory. Throws FailureError
  // (std::errc::address_in_use) when the address is already listened on.
  std::unique_ptr<ListeningPort> listen(const Endpoint& endpoint, Factory& factory) override;
  std::shared_ptr<Connector> connect(const Endpoint& endpoint, ClientFactory& factory) override;
  // run: records the call and returns at once (the test drives the clock). Throws
  // std::logic_error when already running.
  void run() override;
  void stop() override;
  void shutdown(Duration grace) override;
  void on_signals(std::initializer_list<int> signals, std::function<void(int)> handler) override;

  // ---- what happened, and what the test makes happen

  // listens / connects: every successful listen() and every connect(), in order. The
  // references stay valid as more are added.
  std::deque<Listen>& listens() noexcept { return listens_; }
  std::deque<Connect>& connects() noexcept { return connects_; }

  // accept: a client from `peer` connects to listens().at(listen_index): the listen's
  // factory builds the protocol, which is connected to a new StringTransport (peer()
  // `peer`, host() the listen's address), returned. Returns nullptr when the factory
  // refused (build_protocol() gave nullptr), which is logged at info level and counted in
  // Listen::refused(). Throws std::out_of_range for a bad index and std::logic_error when
  // that listen has stopped.
  StringTransport* accept(std::size_t listen_index,
                          Address peer = Address::tcp("192.168.1.1", 54321));

  // open_connections: connections made by accept() or complete() that have not ended.
  std::size_t open_connections() const noexcept { return open_connections_; }

  // running: run() was called, and stop() not since (nor a shutdown that finished).
  bool running() const noexcept { return running_; }
  std::size_t run_calls() const noexcept { return run_calls_; }
  std::size_t stop_calls() const noexcept { return stop_calls_; }
  // shutdowns: the grace period of every shutdown() call, in order.
  const std::vector<Duration>& shutdowns() const noexcept { return shutdowns_; }

  // raise_signal: runs the handler on_signals() registered for `signal` (the latest one),
  // now. Returns false when there is none.
  bool raise_signal(int signal);
  // handled_signals: the signals on_signals() registered a handler for, ascending.
  std::vector<int> handled_signals() const;

 protected:
  DelayedCall schedule(TimePoint deadline, unique_function<void()> fn) override;

 private:
  Connection& add_connection(Address peer, Address host, std::unique_ptr<Protocol> protocol);
  void connection_ended(Connection& connection, const Failure& reason);
  bool address_in_use(const Endpoint& endpoint) const;
  std::uint16_t next_fake_port();
  void run_thread_calls();
  void abort_open_connections();

  // Declared first so that it is destroyed last: everything below may hold its calls.
  FakeClock clock_;
  FakeRandom random_;
  FakeThreadPool thread_pool_{
      [this](unique_function<void()> done) { call_from_thread(std::move(done)); }};
  std::deque<Connection> connections_;
  std::deque<Listen> listens_;
  std::deque<Connect> connects_;
  std::size_t open_connections_ = 0;
  std::uint16_t next_port_ = first_fake_port;

  bool running_ = false;
  bool shutting_down_ = false;
  std::size_t run_calls_ = 0;
  std::size_t stop_calls_ = 0;
  std::vector<Duration> shutdowns_;
  DelayedCall grace_call_;
  std::map<int, std::function<void(int)>> signal_handlers_;

  std::mutex thread_calls_mutex_;
  std::vector<unique_function<void()>> thread_calls_;
};

}  // namespace kit::fakes

#endif  // KIT_FAKES_MEMORY_REACTOR_H_
