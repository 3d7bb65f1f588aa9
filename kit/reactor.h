// Reactor: the event loop a program runs on; a Clock that also does I/O.
//
// LiveReactor (kit/live/) runs on Asio; MemoryReactor (fakes/) records listens and
// connects so a test can complete them by hand. Protocols never see the reactor: only
// programs and factories do. A reactor is also the Context (kit/context.h) of the
// connections it makes: its clock, its Random and its thread pool.
//
// Thread safety: everything on the reactor's thread, except call_from_thread().
#ifndef KIT_REACTOR_H_
#define KIT_REACTOR_H_

#include <functional>
#include <initializer_list>
#include <memory>
#include <string_view>

#include "kit/client_factory.h"
#include "kit/clock.h"
#include "kit/connector.h"
#include "kit/context.h"
#include "kit/defer_to_thread.h"
#include "kit/deferred.h"
#include "kit/endpoint.h"
#include "kit/factory.h"
#include "kit/listening_port.h"
#include "kit/outcome.h"
#include "kit/thread_pool.h"
#include "kit/unique_function.h"

namespace kit {

class Reactor : public Clock, public Context {
 public:
  // clock: this reactor (it is its own clock).
  Clock& clock() override { return *this; }

  // call_soon: runs `fn` on the reactor's thread after the current callback returns,
  // in the order called.
  virtual void call_soon(unique_function<void()> fn) = 0;

  // call_from_thread: like call_soon, but safe to call from any thread.
  virtual void call_from_thread(unique_function<void()> fn) = 0;

  // thread_pool: where defer_to_thread() runs work (real threads live, FakeThreadPool in
  // MemoryReactor); its results come back on the reactor's thread.
  ThreadPool& thread_pool() override = 0;

  // random: the reactor's Random (the system's CSPRNG live, a FakeRandom in MemoryReactor).
  Random& random() override = 0;

  // context: this reactor, as the Context of its connections.
  Context& context() { return *this; }

  // defer_to_thread: kit::defer_to_thread (kit/defer_to_thread.h) on this reactor's pool.
  template <typename F>
  Deferred<std::invoke_result_t<F&>> defer_to_thread(F fn) {
    return kit::defer_to_thread(thread_pool(), std::move(fn));
  }

  // listen: accepts connections on `endpoint`, each served by a protocol of `factory`
  // (which must outlive the port and its connections). Throws FailureError when it
  // cannot listen (port in use, permission, bad certificate).
  virtual std::unique_ptr<ListeningPort> listen(const Endpoint& endpoint, Factory& factory) = 0;
  // The same, parsing a server endpoint string (EndpointError when it is malformed).
  std::unique_ptr<ListeningPort> listen(std::string_view endpoint, Factory& factory);

  // connect: starts connecting to `endpoint`; `factory` builds the protocol and hears
  // the outcome (see connector.h). The reactor keeps the connector alive while it is
  // connecting or connected.
  virtual std::shared_ptr<Connector> connect(const Endpoint& endpoint, ClientFactory& factory) = 0;
  std::shared_ptr<Connector> connect(std::string_view endpoint, ClientFactory& factory);

  // run: dispatches events until stop() (or the end of a shutdown()).
  virtual void run() = 0;

  // stop: makes run() return soon; open connections are aborted.
  virtual void stop() = 0;

  // shutdown: a graceful stop. Stops listening, calls stop_requested() on every open
  // connection's protocol, waits up to `grace` for them to close, aborts the rest, then
  // stops.
  virtual void shutdown(Duration grace) = 0;

  // on_signals: runs `handler` on the reactor's thread when one of `signals` (SIGINT,
  // SIGTERM, ...) arrives.
  virtual void on_signals(std::initializer_list<int> signals, std::function<void(int)> handler) = 0;
};

}  // namespace kit

#endif  // KIT_REACTOR_H_
