// LiveReactor: the real reactor, on standalone Asio.
//
// TCP over IPv4 and IPv6 and Unix stream sockets, the monotonic clock, call_soon and
// call_from_thread, SIGINT/SIGTERM as a graceful stop, all on one thread. Transports
// keep the promises of kit/transport.h. Reads go into one 64 KiB buffer shared by every
// connection of the reactor (an idle connection holds only 256 bytes for the first bytes
// of its next read), and writes go straight to the socket, buffering only what the
// kernel does not take.
//
// Asio stays behind this header: nothing that includes it sees Asio.
//
// Thread safety: one thread runs the reactor and makes every call on it, except
// call_from_thread() (and stop(), which is safe from any thread).
#ifndef KIT_LIVE_LIVE_REACTOR_H_
#define KIT_LIVE_LIVE_REACTOR_H_

#include <cstddef>
#include <functional>
#include <memory>

#include "kit/reactor.h"

namespace kit::live {

class LiveReactor final : public Reactor {
 public:
  LiveReactor();
  ~LiveReactor() override;
  LiveReactor(const LiveReactor&) = delete;
  LiveReactor& operator=(const LiveReactor&) = delete;

  using Reactor::connect;
  using Reactor::listen;

  TimePoint now() const override;
  void call_soon(unique_function<void()> fn) override;
  void call_from_thread(unique_function<void()> fn) override;
  // thread_pool: up to 10 threads, started when work first comes; jobs of one key in
  // order (kit/live/live_thread_pool.h).
  ThreadPool& thread_pool() override;
  // random: the operating system's CSPRNG (kit/system_random.h).
  Random& random() override;
  std::unique_ptr<ListeningPort> listen(const Endpoint& endpoint, Factory& factory) override;
  std::shared_ptr<Connector> connect(const Endpoint& endpoint, ClientFactory& factory) override;
  void run() override;
  void stop() override;
  void shutdown(Duration grace) override;
  void on_signals(std::initializer_list<int> signals, std::function<void(int)> handler) override;

  // run_until: runs the reactor until `done()` returns true (checked after every event)
  // or `timeout` passes. Returns whether `done()` became true. For tests and tools that
  // wait on an event with a bound.
  bool run_until(const std::function<bool()>& done, Duration timeout);

  // open_connections: connections currently open (accepted or connected).
  std::size_t open_connections() const;

  struct Impl;

 protected:
  DelayedCall schedule(TimePoint deadline, unique_function<void()> fn) override;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace kit::live

#endif  // KIT_LIVE_LIVE_REACTOR_H_
