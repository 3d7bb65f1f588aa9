// StringTransport: a Transport that records what its protocol writes, for unit tests.
//
// The test drives the protocol through it (connect, receive, receive_eof,
// lose_from_peer) and reads back what the protocol did: value() holds the bytes written,
// and disconnecting(), aborted(), write_closed(), reading_paused() and producer() tell the
// rest. It keeps the promises of kit/transport.h, so a protocol tested on it behaves the
// same on the live reactor:
//
//  - connection_lost() is delivered once the protocol's own code has returned: at the
//    end of the receive() (or other driving call) in which it asked to close, or right
//    after the FakeClock call in which it asked (in the same advance, as a call due at
//    that instant); never inside the lose_connection() itself. A request from outside
//    all of those (the test calling transport.lose_connection()) completes on the next
//    advance of the transport's clock (set_clock), or at once when it has none. Protocol
//    code the test calls directly (client.quit()) counts as a driving call when wrapped
//    in drive().
//  - Driving calls nest across transports: while any StringTransport on this thread is
//    running protocol code, requests on every other one wait until the outermost driving
//    call returns, so one protocol closing another connection never sees that
//    connection's connection_lost() from inside its own callback.
//  - lose_connection() closes only after held writes are delivered (see hold_writes);
//    abort_connection() drops them.
//  - data received while reading is paused waits and is delivered after
//    resume_reading(), the same way; so does data received while back-pressure holds
//    reading (held writes above the high-water mark with no producer registered).
//  - Writes after lose_connection(), abort_connection() or half_close() are dropped.
//  - half_close() after the peer's EOF (or EOF after half_close()) ends the connection
//    with errc::connection_done: both directions are shut.
//
// Its context (clock, randomness, thread pool) is the one given with set_context(), or a
// FakeContext of its own, made when first asked for.
//
// It is strict: driving a protocol that is not connected, or after connection_lost(),
// throws std::logic_error naming StringTransport.
//
// Thread safety: the test's thread.
#ifndef KIT_FAKES_STRING_TRANSPORT_H_
#define KIT_FAKES_STRING_TRANSPORT_H_

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fakes/driving.h"
#include "fakes/fake_context.h"
#include "kit/address.h"
#include "kit/connection_state.h"
#include "kit/context.h"
#include "kit/delayed_call.h"
#include "kit/failure.h"
#include "kit/flow_control.h"
#include "kit/protocol.h"
#include "kit/transport.h"
#include "kit/unique_function.h"

namespace kit::fakes {

class FakeClock;

class StringTransport : public Transport, private Settleable {
 public:
  // Twisted's defaults: this end 10.0.0.1:12345, the peer 192.168.1.1:54321.
  StringTransport();
  StringTransport(Address peer, Address host);
  StringTransport(const StringTransport&) = delete;
  StringTransport& operator=(const StringTransport&) = delete;
  ~StringTransport() override;

  // ---- driving the protocol

  // connect: protocol.make_connection(*this).
  void connect(Protocol& protocol);
  // receive: the peer sent `data`; delivered as one data_received() (or queued while
  // reading is paused, or while protocol code is running).
  void receive(std::string_view data);
  // receive_eof: the peer half-closed; read_connection_lost() after queued data.
  void receive_eof();
  // lose_from_peer: the connection broke (or the peer closed); connection_lost(reason).
  // From protocol code it waits until the driving call returns.
  void lose_from_peer(Failure reason = Failure(errc::connection_lost));
  // drive: runs `fn` (protocol code the test calls directly, say client.quit()) as a
  // driving call: what protocols ask of any StringTransport inside it is completed once
  // it returns.
  static void drive(unique_function<void()> fn);

  // ---- what the protocol did

  // value: everything written and delivered to the peer so far.
  const std::string& value() const noexcept { return written_; }
  void clear() noexcept { written_.clear(); }
  // take: value(), then clear().
  std::string take();

  bool aborted() const noexcept { return state_.aborted(); }
  bool write_closed() const noexcept { return state_.write_is_shut(); }
  // reading_paused: the protocol paused reading (pause_reading()).
  bool reading_paused() const noexcept { return state_.paused(); }
  // reading_throttled: back-pressure holds reading (promise 9).
  bool reading_throttled() const noexcept { return flow_.throttled(); }
  bool connected() const noexcept { return protocol_ != nullptr && !state_.is_lost(); }
  // protocol: the connected protocol; nullptr before connect() and once connection_lost()
  // has returned (an owner such as MemoryReactor may destroy it then).
  Protocol* protocol() const noexcept { return state_.is_lost() ? nullptr : protocol_; }
  // lost_reason: what connection_lost() was given, once it was.
  const std::optional<Failure>& lost_reason() const noexcept { return lost_reason_; }
  Producer* producer() const noexcept { return flow_.producer(); }
  // producer_paused: whether this transport has paused its producer for flow control.
  bool producer_paused() const noexcept { return flow_.paused(); }

  // ---- flow control: a peer that does not read

  // hold_writes: while true, written bytes wait in write_buffer_size() instead of going
  // to value(), pausing the producer above the high-water mark.
  void hold_writes(bool hold);
  // deliver_held: moves up to `max` held bytes to value() (resuming the producer at the
  // low-water mark, finishing a pending lose_connection when none are left).
  void deliver_held(std::size_t max = static_cast<std::size_t>(-1));

  void set_peer(Address peer) { peer_ = std::move(peer); }
  void set_host(Address host) { host_ = std::move(host); }
  // set_context: the context the protocol gets (it must outlive the transport). Set it
  // before connect(): promise 10 keeps it from changing under a connected protocol.
  void set_context(Context& context);

  // ---- for fakes that own connections (MemoryReactor)

  // set_clock: where requests made outside any driving call and any FakeClock call
  // complete: on `clock`'s next advance, as a reactor would. Without a clock (the
  // default) they complete at once. `clock` must outlive the transport, or be unset.
  void set_clock(FakeClock* clock) noexcept { clock_ = clock; }
  // set_on_lost: `fn` runs right after the protocol's connection_lost() returns.
  void set_on_lost(unique_function<void(const Failure&)> fn) { on_lost_ = std::move(fn); }

  // ---- Transport
  void write(std::string_view data) override;
  void lose_connection() override;
  void abort_connection() override;
  void half_close() override;
  Address peer() const override { return peer_; }
  Address host() const override { return host_; }
  void pause_reading() override;
  void resume_reading() override;
  void register_producer(Producer& producer) override;
  void unregister_producer() override;
  std::size_t write_buffer_size() const override { return held_.size(); }
  void set_write_buffer_limits(std::size_t high, std::size_t low) override;
  void set_back_pressure(bool on) override;
  bool disconnecting() const override { return state_.disconnecting(); }
  Context& context() override;

 private:
  void require_connected(const char* what) const;
  // Runs `step` as a driving call, then completes what is pending.
  template <typename Step>
  void drive_step(Step step);
  // Completes what is pending: queued data and EOF, a requested close. Only when no
  // driving call runs (fakes/driving.h).
  void settle() override;
  // Arranges settle() for a request: after the driving call or FakeClock call in progress,
  // on clock_, or now.
  void schedule_settle();
  // Carries out what the connection state says to do.
  void act(ConnectionState::Action action);
  void shut_write_side();
  void finish(Failure reason);
  // update_producer: tells FlowControl the buffer's size; `was_throttled` is whether
  // back-pressure held reading before the change that calls it.
  void update_producer(bool was_throttled);
  bool reading_open() const noexcept { return !state_.paused() && !flow_.throttled(); }

  Address peer_;
  Address host_;
  Protocol* protocol_ = nullptr;
  std::string written_;
  std::string held_;
  std::deque<std::string> queued_input_;
  ConnectionState state_;
  bool eof_queued_ = false;
  bool hold_writes_ = false;
  std::optional<Failure> close_requested_;
  std::optional<Failure> lost_by_peer_;
  std::optional<Failure> lost_reason_;
  FlowControl flow_;
  FakeClock* clock_ = nullptr;
  Context* context_ = nullptr;
  std::unique_ptr<FakeContext> own_context_;  // made when first asked for, if none is set
  unique_function<void(const Failure&)> on_lost_;
  DelayedCall settle_call_;
};

}  // namespace kit::fakes

#endif  // KIT_FAKES_STRING_TRANSPORT_H_
