// StringTransport: a Transport that records what its protocol writes, for unit tests.
//
// The test drives the protocol through it (connect, receive, receive_eof,
// lose_from_peer) and reads back what the protocol did: value() holds the bytes written,
// and disconnecting(), aborted(), write_closed(), reading_paused() and producer() tell the
// rest. It keeps the promises of kit/transport.h, so a protocol tested on it behaves the
// same on the live reactor:
//
//  - connection_lost() is delivered once the protocol's own code has returned: at the
//    end of the receive() (or other driving call) in which it asked to close, right
//    after the FakeClock call in which it asked, or at once when the test asks. It never
//    runs inside lose_connection() itself.
//  - lose_connection() closes only after held writes are delivered (see hold_writes);
//    abort_connection() drops them.
//  - data received while reading is paused waits and is delivered after
//    resume_reading(), the same way.
//  - Writes after lose_connection(), abort_connection() or half_close() are dropped.
//
// It is strict: driving a protocol that is not connected, or after connection_lost(),
// throws std::logic_error naming StringTransport.
//
// Thread safety: the test's thread.
#ifndef KIT_FAKES_STRING_TRANSPORT_H_
#define KIT_FAKES_STRING_TRANSPORT_H_

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "kit/address.h"
#include "kit/delayed_call.h"
#include "kit/failure.h"
#include "kit/protocol.h"
#include "kit/transport.h"

namespace kit::fakes {

class StringTransport : public Transport {
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
  // reading is paused).
  void receive(std::string_view data);
  // receive_eof: the peer half-closed; read_connection_lost() after queued data.
  void receive_eof();
  // lose_from_peer: the connection broke (or the peer closed); connection_lost(reason).
  void lose_from_peer(Failure reason = Failure(errc::connection_lost));

  // ---- what the protocol did

  // value: everything written and delivered to the peer so far.
  const std::string& value() const noexcept { return written_; }
  void clear() noexcept { written_.clear(); }
  // take: value(), then clear().
  std::string take();

  bool aborted() const noexcept { return aborted_; }
  bool write_closed() const noexcept { return write_closed_; }
  bool reading_paused() const noexcept { return reading_paused_; }
  bool connected() const noexcept { return protocol_ != nullptr && !lost_; }
  // lost_reason: what connection_lost() was given, once it was.
  const std::optional<Failure>& lost_reason() const noexcept { return lost_reason_; }
  Producer* producer() const noexcept { return producer_; }
  // producer_paused: whether this transport has paused its producer for flow control.
  bool producer_paused() const noexcept { return producer_paused_; }

  // ---- flow control: a peer that does not read

  // hold_writes: while true, written bytes wait in write_buffer_size() instead of going
  // to value(), pausing the producer above the high-water mark.
  void hold_writes(bool hold);
  // deliver_held: moves up to `max` held bytes to value() (resuming the producer at the
  // low-water mark, finishing a pending lose_connection when none are left).
  void deliver_held(std::size_t max = static_cast<std::size_t>(-1));

  void set_peer(Address peer) { peer_ = std::move(peer); }
  void set_host(Address host) { host_ = std::move(host); }

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

 private:
  void require_connected(const char* what) const;
  // Runs `step` as a driving call: protocol code runs inside it, and pending work
  // (queued data, a requested close) is completed once it returns.
  template <typename Step>
  void drive(Step step);
  void settle();
  void schedule_settle();
  void finish(Failure reason);
  void update_producer();

  Address peer_;
  Address host_;
  Protocol* protocol_ = nullptr;
  std::string written_;
  std::string held_;
  std::deque<std::string> queued_input_;
  bool eof_queued_ = false;
  bool hold_writes_ = false;
  bool aborted_ = false;
  bool write_closed_ = false;
  bool half_close_pending_ = false;
  bool reading_paused_ = false;
  bool lost_ = false;
  std::optional<Failure> close_requested_;
  std::optional<Failure> lost_reason_;
  Producer* producer_ = nullptr;
  bool producer_paused_ = false;
  std::size_t high_water_ = default_high_water;
  std::size_t low_water_ = default_low_water;
  int depth_ = 0;  // driving calls in progress
  DelayedCall settle_call_;
};

}  // namespace kit::fakes

#endif  // KIT_FAKES_STRING_TRANSPORT_H_
