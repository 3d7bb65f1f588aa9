#include "kit/live/socket_transport.h"

#include <algorithm>
#include <array>
#include <asio/buffer.hpp>
#include <asio/error.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

#include "kit/live/socket_address.h"
#include "kit/live/socket_connector.h"
#include "kit/log.h"

namespace kit::live {
namespace {

// At most this many full reads in a row before the connection waits its turn again, so
// one fast sender cannot starve the others.
constexpr int max_reads_per_turn = 4;

// The most buffers one send() takes; the rest of a write_sequence() waits its turn.
constexpr std::size_t max_send_buffers = 64;

bool would_block(const std::error_code& error) noexcept {
  return error == asio::error::would_block || error == asio::error::try_again;
}

}  // namespace

struct SocketTransport::Linger {
  DelayedCall deadline;
  std::size_t drained = 0;
  std::array<char, 16 * 1024> sink;
};

class SocketTransport::HandlerRef {
 public:
  // Adopts a reference taken earlier (when the handler was queued).
  explicit HandlerRef(SocketTransport* transport) noexcept : transport_(transport) {}
  HandlerRef(const HandlerRef&) = delete;
  HandlerRef& operator=(const HandlerRef&) = delete;
  ~HandlerRef() { transport_->drop_ref(); }

 private:
  SocketTransport* transport_;
};

SocketTransport::SocketTransport(LiveReactor::Impl& reactor, Socket socket, Address peer,
                                 SocketConnector* connector)
    : reactor_(reactor),
      socket_(std::move(socket)),
      connector_(connector),
      peer_(std::move(peer)),
      tcp_(peer_.is_tcp()) {}

SocketTransport::~SocketTransport() = default;

Context& SocketTransport::context() { return reactor_.owner.context(); }

bool SocketTransport::start(LiveReactor::Impl& reactor, Socket socket, Address peer,
                            Factory& factory, SocketConnector* connector, Failure* refusal) {
  std::unique_ptr<Protocol> protocol;
  try {
    protocol = factory.build_protocol(peer);
  } catch (...) {
    Failure failure = Failure::current_exception();
    log(LogLevel::error, "exception in build_protocol for the connection with " + peer.to_string() +
                             ": " + failure.what() + "; closing it");
    if (refusal != nullptr) *refusal = std::move(failure);
    return false;
  }
  if (!protocol) {
    reactor.log_limited().log(LogLevel::info, "refused",
                              "the factory refused the connection with " + peer.to_string());
    if (refusal != nullptr) {
      *refusal = Failure(errc::cancelled, "the factory built no protocol for " + peer.to_string());
    }
    return false;
  }

  std::error_code ignored;
  socket.non_blocking(true, ignored);
  if (peer.is_tcp()) socket.set_option(asio::ip::tcp::no_delay(true), ignored);

  auto* transport = new SocketTransport(reactor, std::move(socket), std::move(peer), connector);
  transport->protocol_ = std::move(protocol);
  reactor.adopt(*transport);
  transport->add_ref();
  HandlerRef ref(transport);
  if (connector != nullptr) connector->made(*transport);
  transport->deliver("connection_made",
                     [transport] { transport->protocol_->make_connection(*transport); });
  transport->settle();
  if (transport->open() && transport->wants_read() && !transport->waiting_read_) {
    transport->wait_readable();
  }
  return true;
}

void SocketTransport::drop_ref() noexcept {
  if (--refs_ == 0 && state_.is_lost() && !socket_.is_open()) reactor_.release(*this);
}

// ---- protocol calls

template <typename F>
void SocketTransport::deliver(const char* callback, F&& f) {
  ++depth_;
  try {
    f();
  } catch (...) {
    callback_failed(callback);
  }
  --depth_;
}

template <typename F>
void SocketTransport::call_producer(const char* callback, F&& f) {
  try {
    f();
  } catch (...) {
    callback_failed(callback);
  }
}

void SocketTransport::callback_failed(const char* callback) {
  Failure failure = Failure::current_exception();
  std::string message = std::string("exception in ") + callback + " of the connection with " +
                        peer_.to_string() + ": " + failure.what();
  if (!state_.is_lost()) message += "; aborting the connection";
  log(LogLevel::error, message);
  if (state_.is_lost()) return;
  if (!close_failure_) close_failure_ = std::make_unique<Failure>(std::move(failure));
  abort_connection();
}

// ---- writing

void SocketTransport::write(std::string_view data) {
  if (!state_.accepts_writes() || data.empty()) return;
  if (!out_.empty()) {
    // Already waiting for the socket to drain: keep the order.
    out_.append(data);
    update_producer(false);
    return;
  }
  // One buffer: send(), not the sendmsg() a sequence needs.
  std::error_code error;
  std::size_t sent = socket_.send(asio::buffer(data.data(), data.size()), 0, error);
  if (error) {
    if (!would_block(error)) return fail(error);
    sent = 0;
  }
  if (sent == data.size()) return;
  const std::string_view pieces[1] = {data};
  buffer_rest(pieces, sent);
}

void SocketTransport::write_sequence(std::span<const std::string_view> pieces) {
  if (!state_.accepts_writes()) return;
  if (!out_.empty()) {
    for (std::string_view piece : pieces) out_.append(piece);
    update_producer(false);
    return;
  }
  const std::size_t sent = send_now(pieces);
  buffer_rest(pieces, sent);
}

std::size_t SocketTransport::send_now(std::span<const std::string_view> pieces) {
  std::array<asio::const_buffer, max_send_buffers> buffers;
  std::size_t count = 0;
  for (std::string_view piece : pieces) {
    if (count == buffers.size()) break;
    if (!piece.empty()) buffers[count++] = asio::buffer(piece.data(), piece.size());
  }
  if (count == 0) return 0;
  std::error_code error;
  const std::size_t sent =
      socket_.send(std::span<const asio::const_buffer>(buffers.data(), count), 0, error);
  if (error) {
    if (!would_block(error)) fail(error);
    return 0;
  }
  return sent;
}

void SocketTransport::buffer_rest(std::span<const std::string_view> pieces, std::size_t sent) {
  if (state_.disconnecting()) return;  // the send failed
  for (std::string_view piece : pieces) {
    const std::size_t skip = std::min(sent, piece.size());
    sent -= skip;
    out_.append(piece.substr(skip));
  }
  if (out_.empty()) return;
  if (!waiting_write_) wait_writable();
  update_producer(false);
}

void SocketTransport::wait_writable() {
  waiting_write_ = true;
  add_ref();
  socket_.async_wait(Socket::wait_write,
                     [this](const std::error_code& error) { on_writable(error); });
}

void SocketTransport::on_writable(const std::error_code& error) {
  HandlerRef ref(this);
  waiting_write_ = false;
  if (state_.is_lost()) return;
  ++depth_;
  if (!error) {
    flush();
  } else if (error != asio::error::operation_aborted) {
    fail(error);
  }
  --depth_;
  settle();
  if (state_.is_lost()) return;
  if (!out_.empty() && !waiting_write_) wait_writable();
  restart_reading();
}

void SocketTransport::flush() {
  if (finish_scheduled_) return;
  if (!out_.empty()) {
    // One send: when the kernel takes less than offered, its buffer is full, and trying
    // again would only return would-block.
    std::error_code error;
    const std::size_t sent = socket_.send(asio::buffer(out_.pending()), 0, error);
    if (error && !would_block(error)) return fail(error);
    out_.consume(sent);
  }
  if (out_.empty()) {
    const ConnectionState::Action action = state_.drained();
    if (action == ConnectionState::Action::finish) {
      close_code_ = errc::connection_done;
      return schedule_finish();
    }
    act(action);
  }
  update_producer(true);
}

void SocketTransport::shutdown_write() {
  std::error_code error;
  socket_.shutdown(Socket::shutdown_send, error);
  const ConnectionState::Action action = state_.write_shut();
  if (error) return fail(error);
  act(action);  // both directions shut: the connection is over
}

void SocketTransport::act(ConnectionState::Action action) {
  switch (action) {
    case ConnectionState::Action::finish:
      if (!close_code_ || close_code_.category() == kit_category()) {
        close_code_ = state_.finish_reason();
      }
      schedule_finish();
      break;
    case ConnectionState::Action::shut_write:
      shutdown_write();
      break;
    case ConnectionState::Action::none:
      break;
  }
}

void SocketTransport::update_producer(bool from_reactor) {
  Producer* producer = flow_.producer();
  const bool was_throttled = flow_.throttled();
  switch (flow_.update(out_.size())) {
    case FlowControl::Change::pause:
      call_producer("pause_producing", [producer] { producer->pause_producing(); });
      break;
    case FlowControl::Change::resume:
      // Resumed by the reactor (the socket drained): protocol code runs as a callback.
      if (from_reactor) {
        deliver("resume_producing", [producer] { producer->resume_producing(); });
      } else {
        call_producer("resume_producing", [producer] { producer->resume_producing(); });
      }
      break;
    case FlowControl::Change::none:
      break;
  }
  if (was_throttled && !flow_.throttled()) restart_reading();
}

void SocketTransport::restart_reading() {
  if (state_.is_lost() || !wants_read() || waiting_read_) return;
  if (held_ == 0) {
    // Data that arrived meanwhile is in the kernel; the receive reports it.
    wait_readable();
    return;
  }
  // Bytes received just before reading was held go first, from the reactor: never a
  // data_received() from inside a request.
  waiting_read_ = true;
  add_ref();
  asio::post(reactor_.io, [this] { on_received({}, std::exchange(held_, 0)); });
}

// ---- reading

void SocketTransport::wait_readable() {
  waiting_read_ = true;
  add_ref();
  socket_.async_receive(
      asio::buffer(first_read_),
      [this](const std::error_code& error, std::size_t size) { on_received(error, size); });
}

void SocketTransport::on_received(const std::error_code& error, std::size_t size) {
  HandlerRef ref(this);
  waiting_read_ = false;
  if (state_.is_lost()) return;
  ++depth_;
  if (!error) {
    if (state_.paused() || flow_.throttled()) {
      // Held while the receive was pending: keep the bytes for when reading goes on.
      held_ = static_cast<std::uint16_t>(size);
    } else if (wants_read()) {
      read_loop(size);
    }  // else closing: input is no longer wanted
  } else if (error == asio::error::eof) {
    // While reading is paused the end stays in the socket; the next receive sees it again.
    if (wants_read()) end_of_input();
  } else if (error != asio::error::operation_aborted) {
    fail(error);
  }
  --depth_;
  settle();
  if (!state_.is_lost() && wants_read() && !waiting_read_) wait_readable();
}

void SocketTransport::read_loop(std::size_t have) {
  // The shared buffer is only ever used between a read and the return of the
  // data_received() it feeds: nothing else can read into it meanwhile, because reads
  // into it happen only here, on the reactor's thread, and never from inside a protocol
  // request. The bytes the pending receive took come first, in the same chunk.
  char* const buffer = reactor_.read_buffer();
  constexpr std::size_t capacity = LiveReactor::Impl::read_buffer_size;
  std::memcpy(buffer, first_read_.data(), have);
  // A receive that did not fill first_read_ emptied the socket.
  bool more = have == first_read_.size();
  for (int reads = 1;; ++reads) {
    std::error_code error;
    if (more) {
      const std::size_t size =
          socket_.receive(asio::buffer(buffer + have, capacity - have), 0, error);
      more = !error && have + size == capacity && reads < max_reads_per_turn;
      have += size;
    }
    if (have > 0) {
      const std::size_t before = out_.size();
      deliver("data_received",
              [this, buffer, have] { protocol_->data_received(std::string_view(buffer, have)); });
      flow_.read_delivered(before, out_.size());
      have = 0;
      // Paused, closing, or a receive started from inside the callback (which must
      // come first, so this loop reads no further).
      if (!wants_read() || waiting_read_) more = false;
    }
    if (error && !would_block(error) && !state_.is_lost() && !finish_scheduled_) {
      // An end that came behind the data is seen again by the next receive if paused.
      if (error != asio::error::eof) return fail(error);
      if (wants_read() && !waiting_read_) return end_of_input();
    }
    if (!more) return;
  }
}

void SocketTransport::end_of_input() {
  const ConnectionState::Action action = state_.end_of_input();
  deliver("read_connection_lost", [this] { protocol_->read_connection_lost(); });
  act(action);  // both directions shut: the connection is over
}

void SocketTransport::pause_reading() { state_.pause_reading(); }

void SocketTransport::resume_reading() {
  if (state_.resume_reading()) restart_reading();
}

// ---- closing

void SocketTransport::lose_connection() { act(state_.close(out_.empty())); }

void SocketTransport::abort_connection() {
  if (state_.abort() == ConnectionState::Action::none) return;
  out_.clear();
  act(ConnectionState::Action::finish);
}

void SocketTransport::half_close() { act(state_.half_close(out_.empty())); }

void SocketTransport::fail(std::error_code code) {
  if (state_.is_lost() || finish_scheduled_) return;
  close_code_ = system_error(code);
  state_.broke();
  out_.clear();
  schedule_finish();
}

void SocketTransport::schedule_finish() {
  if (state_.is_lost() || finish_scheduled_) return;
  finish_scheduled_ = true;
  // Inside the transport's own handlers (depth_ > 0) it settles when they return; a
  // request from anywhere else (a timer, another connection's callback) is finished by
  // the reactor next, never inside the request.
  if (depth_ == 0) post_finish();
}

void SocketTransport::post_finish() {
  if (finish_posted_) return;
  finish_posted_ = true;
  add_ref();
  asio::post(reactor_.io, [this] {
    HandlerRef ref(this);
    finish_posted_ = false;
    settle();
  });
}

void SocketTransport::settle() {
  if (depth_ == 0 && finish_scheduled_ && !state_.is_lost()) finish();
}

Failure SocketTransport::reason() const {
  if (close_failure_) return *close_failure_;
  if (close_code_.category() == kit_category()) return Failure(close_code_);
  return Failure(close_code_, "connection with " + peer_.to_string());
}

void SocketTransport::finish() {
  state_.lost();
  finish_scheduled_ = false;
  out_.clear();
  const Failure why = reason();

  ++depth_;  // protocol code below may make requests; none of them settles here
  if (Producer* producer = flow_.release()) {
    call_producer("stop_producing", [producer] { producer->stop_producing(); });
  }
  try {
    protocol_->connection_lost(why);
  } catch (...) {
    callback_failed("connection_lost");
  }
  protocol_.reset();
  --depth_;

  if (connector_ != nullptr) std::exchange(connector_, nullptr)->lost(why);
  const bool orderly =
      !state_.aborted() && !state_.eof_received() && close_code_ == errc::connection_done;
  reactor_.closed(*this);
  if (orderly && socket_.is_open() && discard_unread_input()) {
    start_linger();
  } else {
    close_socket();
  }
}

bool SocketTransport::discard_unread_input() noexcept {
  // What has arrived is read and dropped, so that closing does not turn into a reset
  // that could destroy the protocol's last answer (say "error: line too long").
  char* const sink = reactor_.read_buffer();
  bool any = held_ > 0;
  held_ = 0;
  for (std::size_t discarded = 0; discarded < linger_bytes;) {
    std::error_code error;
    const std::size_t size =
        socket_.receive(asio::buffer(sink, LiveReactor::Impl::read_buffer_size), 0, error);
    if (error || size == 0) return any && would_block(error);
    any = true;
    discarded += size;
  }
  return true;
}

void SocketTransport::start_linger() {
  // The peer was still sending: our end of stream goes out after the last answer, and
  // what is still on its way is drained until the peer's own end (or the bounds).
  std::error_code ignored;
  if (!state_.write_is_shut()) socket_.shutdown(Socket::shutdown_send, ignored);
  linger_ = std::make_unique<Linger>();
  add_ref();
  linger_->deadline = reactor_.owner.call_later(linger_time, [this] {
    HandlerRef ref(this);
    end_linger();
  });
  linger_read();
}

void SocketTransport::linger_read() {
  add_ref();
  socket_.async_receive(asio::buffer(linger_->sink),
                        [this](const std::error_code& error, std::size_t size) {
                          HandlerRef ref(this);
                          if (!linger_ || !socket_.is_open()) return;
                          linger_->drained += size;
                          if (error || size == 0 || linger_->drained >= linger_bytes) {
                            end_linger();
                          } else {
                            linger_read();
                          }
                        });
}

void SocketTransport::end_linger() noexcept {
  if (!linger_) return;
  if (linger_->deadline.active()) {
    linger_->deadline.cancel();
    drop_ref();  // the deadline's reference, as its call will not run
  }
  close_socket();
}

void SocketTransport::close_socket() noexcept {
  if (!socket_.is_open()) return;
  std::error_code ignored;
  // An abort resets the connection instead of closing it in order.
  if (state_.aborted()) socket_.set_option(asio::socket_base::linger(true, 0), ignored);
  socket_.close(ignored);
}

void SocketTransport::stop_requested() {
  if (state_.disconnecting()) return;
  deliver("stop_requested", [this] { protocol_->stop_requested(); });
  settle();
}

void SocketTransport::abort_now() {
  if (state_.is_lost()) return;
  ++depth_;
  abort_connection();
  --depth_;
  settle();
}

// ---- the rest of Transport

Address SocketTransport::host() const {
  std::error_code error;
  const SocketEndpoint local = socket_.local_endpoint(error);
  return error ? Address() : to_address(local);
}

void SocketTransport::register_producer(Producer& producer) {
  const bool was_throttled = flow_.throttled();
  flow_.register_producer(producer, "SocketTransport");
  if (state_.is_lost()) {
    Producer* gone = flow_.release();
    call_producer("stop_producing", [gone] { gone->stop_producing(); });
    return;
  }
  update_producer(false);
  if (was_throttled) restart_reading();
}

void SocketTransport::unregister_producer() {
  flow_.unregister_producer();
  update_producer(false);
}

void SocketTransport::set_write_buffer_limits(std::size_t high, std::size_t low) {
  flow_.set_limits(high, low, "SocketTransport");
  update_producer(false);
}

void SocketTransport::set_back_pressure(bool on) {
  const bool was_throttled = flow_.throttled();
  flow_.set_back_pressure(on);
  update_producer(false);
  if (was_throttled) restart_reading();
}

}  // namespace kit::live
