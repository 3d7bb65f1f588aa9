// SocketTransport: the Transport of one live connection (TCP or Unix stream socket).
//
// It keeps every promise of kit/transport.h. How, in short:
//  - Reading: a receive into a small buffer of the transport's own waits in the reactor
//    (Asio keeps a pending receive armed without a system call per wait, unlike a bare
//    readability wait). When it completes, its bytes and whatever else the socket holds
//    go to the reactor's one shared 64 KiB buffer and to data_received() as one chunk,
//    so the shared buffer is never held across a return to the reactor and an idle
//    connection holds no large buffer.
//  - Writing: write() sends straight away; only what the kernel does not take waits in
//    a WriteBuffer until the socket is writable again.
//  - Back-pressure: with no producer registered, reading stops while the write buffer is
//    above its high-water mark (promise 9), so a peer that never reads holds the
//    connection at about that much memory, whatever it sends.
//  - Closing: a close requested while the protocol's code is running is carried out
//    when that code returns to the transport; one requested from anywhere else (a
//    timer, another connection) is posted to the reactor. Either way connection_lost()
//    never runs inside the request. The rules of the close are kit::ConnectionState's.
//  - Lingering close: closing a socket that holds unread input makes the kernel reset the
//    connection, and a reset may destroy the last answer before the peer reads it. So an
//    orderly close first reads and drops what has arrived; if there was any (the peer is
//    still sending), it sends its end of stream and goes on draining, after
//    connection_lost(), until the peer's end of stream, for at most linger_time and
//    linger_bytes, and only then closes. A lingering socket no longer counts as open.
//  - Lifetime: the reactor owns the transport. The protocol is destroyed right after
//    connection_lost() returns; the transport itself lives until no queued handler
//    refers to it.
//  - An exception escaping a protocol callback is logged and aborts the connection;
//    connection_lost() then carries the exception.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_LIVE_SOCKET_TRANSPORT_H_
#define KIT_LIVE_SOCKET_TRANSPORT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <system_error>

#include "kit/address.h"
#include "kit/connection_state.h"
#include "kit/context.h"
#include "kit/factory.h"
#include "kit/failure.h"
#include "kit/flow_control.h"
#include "kit/live/live_reactor_impl.h"
#include "kit/live/write_buffer.h"
#include "kit/protocol.h"
#include "kit/transport.h"

namespace kit::live {

class SocketConnector;

class SocketTransport final : public Transport {
 public:
  // How long and how much a lingering close drains before it closes anyway.
  static constexpr Duration linger_time = std::chrono::seconds(2);
  static constexpr std::size_t linger_bytes = 16 * 1024 * 1024;

  // start: makes the transport of the connected `socket` (which the reactor now owns),
  // builds its protocol with `factory` and delivers connection_made(). `connector` is
  // the client connector that made it, or null for an accepted connection. Returns
  // false, closing the socket, when the factory built no protocol (or threw): then
  // `refusal` says why.
  static bool start(LiveReactor::Impl& reactor, Socket socket, Address peer, Factory& factory,
                    SocketConnector* connector, Failure* refusal = nullptr);

  SocketTransport(const SocketTransport&) = delete;
  SocketTransport& operator=(const SocketTransport&) = delete;
  ~SocketTransport() override;

  // ---- Transport
  void write(std::string_view data) override;
  void write_sequence(std::span<const std::string_view> pieces) override;
  void lose_connection() override;
  void abort_connection() override;
  void half_close() override;
  Address peer() const override { return peer_; }
  Address host() const override;
  void pause_reading() override;
  void resume_reading() override;
  void register_producer(Producer& producer) override;
  void unregister_producer() override;
  std::size_t write_buffer_size() const override { return out_.size(); }
  void set_write_buffer_limits(std::size_t high, std::size_t low) override;
  void set_back_pressure(bool on) override;
  bool disconnecting() const override { return state_.disconnecting(); }
  Context& context() override;

  // ---- the reactor's side

  bool open() const noexcept { return !state_.is_lost(); }
  // lingering: connection_lost() was delivered and the socket drains before it closes.
  bool lingering() const noexcept { return linger_ != nullptr; }
  // stop_requested: the reactor shuts down gracefully; tells the protocol.
  void stop_requested();
  // abort_now: closes at once and delivers connection_lost(errc::connection_aborted) before
  // returning. Only outside this connection's callbacks (reactor stop and teardown).
  void abort_now();
  // close_socket: the reactor is going away; closes the socket if still open.
  void close_socket() noexcept;

  // A reference keeps the transport alive (queued handlers, loops of the reactor).
  void add_ref() noexcept { ++refs_; }
  void drop_ref() noexcept;

  // The reactor's list of transports.
  SocketTransport* next = nullptr;
  SocketTransport* prev = nullptr;

 private:
  SocketTransport(LiveReactor::Impl& reactor, Socket socket, Address peer,
                  SocketConnector* connector);

  // Drops the reference taken for a handler when the handler returns.
  class HandlerRef;
  struct Linger;

  bool wants_read() const noexcept {
    return !state_.paused() && !flow_.throttled() && !state_.disconnecting() &&
           !state_.eof_received() && !finish_scheduled_;
  }
  void wait_readable();
  void wait_writable();
  void on_received(const std::error_code& error, std::size_t size);
  void on_writable(const std::error_code& error);
  // Delivers the `have` bytes in first_read_ and then what the socket holds, up to a turn.
  void read_loop(std::size_t have);
  void flush();
  // Sends `pieces` now, as far as the kernel takes them; returns how many bytes went,
  // or fails the connection (and returns 0) on an error other than would-block.
  std::size_t send_now(std::span<const std::string_view> pieces);
  void buffer_rest(std::span<const std::string_view> pieces, std::size_t sent);
  void shutdown_write();
  void end_of_input();

  // Runs protocol code at a point where the transport settles afterwards.
  template <typename F>
  void deliver(const char* callback, F&& f);
  // Runs producer code from inside a request (no settling: the request is still running).
  template <typename F>
  void call_producer(const char* callback, F&& f);
  void callback_failed(const char* callback);
  // update_producer: pauses or resumes the producer for the write buffer's size;
  // `from_reactor` when the reactor (not a request) drained the buffer. Restarts reading
  // when back-pressure let go of it.
  void update_producer(bool from_reactor);
  // restart_reading: after back-pressure or the protocol let reading go on.
  void restart_reading();
  // Carries out what the connection state says to do.
  void act(ConnectionState::Action action);

  // Ends the connection for `code` (a kit errc or the system error): closes now or, inside
  // a callback, when it returns; from elsewhere, from a posted handler.
  void fail(std::error_code code);
  void schedule_finish();
  void post_finish();
  void settle();
  void finish();
  Failure reason() const;
  // Reads and drops input that arrived but was never read; whether there was any (false
  // also when the peer's end of stream or an error came instead).
  bool discard_unread_input() noexcept;
  // The lingering close: drain until the peer's end, linger_time or linger_bytes.
  void start_linger();
  void linger_read();
  void end_linger() noexcept;

  LiveReactor::Impl& reactor_;
  Socket socket_;
  std::unique_ptr<Protocol> protocol_;
  SocketConnector* connector_;
  FlowControl flow_;
  Address peer_;
  WriteBuffer out_;
  std::error_code close_code_;
  // Set only when an exception ended the connection: what connection_lost() gets.
  std::unique_ptr<Failure> close_failure_;
  // Made only for a lingering close.
  std::unique_ptr<Linger> linger_;
  std::uint32_t refs_ = 0;
  // Bytes of first_read_ received while reading was held, for when it goes on.
  std::uint16_t held_ = 0;
  // Reactor-driven code of this transport running (handlers, protocol callbacks): close
  // requests made meanwhile are carried out when it returns (settle()).
  std::uint16_t depth_ = 0;
  ConnectionState state_;
  bool tcp_ : 1 = false;
  bool finish_scheduled_ : 1 = false;
  bool finish_posted_ : 1 = false;
  bool waiting_read_ : 1 = false;
  bool waiting_write_ : 1 = false;
  // Where the pending receive puts the first bytes of each read: small, because every
  // idle connection holds it; big enough for a typical request, so that a short message
  // costs no second read.
  std::array<char, 256> first_read_;
};

}  // namespace kit::live

#endif  // KIT_LIVE_SOCKET_TRANSPORT_H_
