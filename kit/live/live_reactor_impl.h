// LiveReactor::Impl: the state of a live reactor that its transports, ports and connectors
// share. Private to kit/live/: this is where Asio shows.
//
// Everything here runs on the reactor's thread; only the io_context's post() is used
// from other threads (call_from_thread, stop).
#ifndef KIT_LIVE_LIVE_REACTOR_IMPL_H_
#define KIT_LIVE_LIVE_REACTOR_IMPL_H_

#include <asio/basic_socket_acceptor.hpp>
#include <asio/basic_stream_socket.hpp>
#include <asio/generic/stream_protocol.hpp>
#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "kit/live/live_reactor.h"
#include "kit/live/live_thread_pool.h"
#include "kit/log_limiter.h"
#include "kit/system_random.h"
#include "kit/timer_queue.h"

namespace kit::live {

class SocketConnector;
class SocketPort;
class SocketTransport;

// One socket type for TCP (v4 and v6) and Unix stream sockets. The io_context's own
// executor (one pointer) instead of any_io_executor keeps every socket small.
using StreamProtocol = asio::generic::stream_protocol;
using Socket = asio::basic_stream_socket<StreamProtocol, asio::io_context::executor_type>;
using Acceptor = asio::basic_socket_acceptor<StreamProtocol, asio::io_context::executor_type>;

// The io_context, with shutdown() public: the reactor destroys its queued handlers (which
// refer to transports by pointer) before it deletes the transports, and the transports'
// sockets before the io_context's services go.
class IoContext : public asio::io_context {
 public:
  // One thread does all the I/O, so sockets need no locks; the scheduler keeps its lock
  // for the posts that come from other threads (call_from_thread, stop, the resolver).
  IoContext() : asio::io_context(ASIO_CONCURRENCY_HINT_UNSAFE_IO) {}
  using asio::execution_context::shutdown;
};

// system_error: `error` with Asio's own system category replaced by the standard one. Asio
// 1.22's category does not map its codes to std::errc conditions, and users test reasons
// with reason.is(std::errc::connection_refused); other categories pass unchanged.
std::error_code system_error(const std::error_code& error) noexcept;

// Runs `fn`, logging (at error level) an exception that escapes it, as coming from `what`.
// Returns false when one did. For callbacks into user code that must not stop the reactor.
bool run_logged(std::string_view what, const std::function<void()>& fn);

struct LiveReactor::Impl {
  // The size of the one read buffer every connection reads into.
  static constexpr std::size_t read_buffer_size = 64 * 1024;

  explicit Impl(LiveReactor& owner);
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  TimePoint now() const;
  DelayedCall schedule(TimePoint deadline, unique_function<void()> fn);
  void call_soon(unique_function<void()> fn);

  // ---- connections (SocketTransport calls these)

  // adopt: `transport` is new and open; the reactor owns it from now on.
  void adopt(SocketTransport& transport);
  // closed: `transport` delivered connection_lost and is no longer open.
  void closed(SocketTransport& transport);
  // release: no handler refers to `transport` any more; the reactor deletes it.
  void release(SocketTransport& transport) noexcept;

  // ---- ports and connectors (they register while they hold Asio objects)

  // add_port: registers a listening port; its accept handlers find it by the id returned
  // (the port may be gone by the time a cancelled accept completes).
  std::uint64_t add_port(SocketPort& port);
  void remove_port(std::uint64_t id) { ports_.erase(id); }
  SocketPort* find_port(std::uint64_t id) const;
  void add_connector(std::shared_ptr<SocketConnector> connector);
  void remove_connector(SocketConnector& connector);

  // ---- run, stop, shutdown
  void run();
  bool run_until(const std::function<bool()>& done, Duration timeout);
  void stop();
  void shutdown(Duration grace);
  void on_signals(std::initializer_list<int> signals, std::function<void(int)> handler);

  std::size_t open_connections() const noexcept { return open_count_; }
  char* read_buffer() noexcept { return read_buffer_.get(); }
  bool shutting_down() const noexcept { return shutting_down_; }

  ThreadPool& thread_pool();
  Random& random() noexcept { return random_; }

  LiveReactor& owner;
  IoContext io;

  // log_limited: for lines an event repeats (a refused connection, a paused accept), at
  // most one per kind per second on this reactor's clock (kit/log_limiter.h).
  LogLimiter& log_limited() noexcept { return log_limiter_; }

 private:
  struct SignalWatch;

  void arm_timer();
  void on_timer(const std::error_code& error);
  void run_soon();
  // Transports that are open now, each held (a reference) until release_all().
  std::vector<SocketTransport*> hold_open();
  static void release_all(const std::vector<SocketTransport*>& held);
  void abort_all();
  void cancel_connectors();
  void do_stop();
  void do_shutdown(Duration grace);
  void finish_shutdown();
  void watch(SignalWatch& watch);

  std::unique_ptr<LiveThreadPool> pool_;  // started on first use
  SystemRandom random_;
  asio::steady_timer timer_;
  std::optional<TimePoint> timer_armed_at_;
  TimerQueue timers_;

  std::vector<unique_function<void()>> soon_;
  bool soon_posted_ = false;

  std::unique_ptr<char[]> read_buffer_;

  // Every transport not yet deleted (open, or closed with a handler still queued): a
  // list threaded through the transports themselves.
  SocketTransport* transports_ = nullptr;
  std::size_t open_count_ = 0;

  std::unordered_map<std::uint64_t, SocketPort*> ports_;
  std::uint64_t next_port_id_ = 1;
  std::unordered_map<SocketConnector*, std::shared_ptr<SocketConnector>> connectors_;
  std::vector<std::unique_ptr<SignalWatch>> signals_;

  bool running_ = false;
  bool shutting_down_ = false;
  DelayedCall grace_call_;
  // Last: its pending calls live in timers_, so it goes first.
  LogLimiter log_limiter_;
};

}  // namespace kit::live

#endif  // KIT_LIVE_LIVE_REACTOR_IMPL_H_
