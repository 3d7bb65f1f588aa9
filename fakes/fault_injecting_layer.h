// FaultInjectingLayer: a layer (kit::ProtocolWrapper) that breaks a connection on purpose,
// the way a network does: it splits writes, delays them on the clock, cuts the connection
// at a byte offset of either direction, or fails the Nth operation, as its FaultPlan
// (fault_plan.h) says. Being a layer, it goes on any transport: a StringTransport, either
// side of a LoopbackPair, a live connection.
//
//   kit::fakes::FaultLog log;
//   auto layer = std::make_unique<kit::fakes::FaultInjectingLayer>(
//       std::make_unique<MyServer>(), kit::fakes::FaultPlan{.fail_operation = 2}, &log);
//   kit::fakes::LoopbackPair pair(client, *layer);
//   pair.pump();
//   // log.hits: {"operation 2 (data_received of 5 bytes) failed: reset"}
//
// With a plan that injects nothing it is a plain ProtocolWrapper and keeps every promise
// of kit/transport.h (the conformance suite checks it over the loopback pair and
// StringTransport). Faults keep them too, with these meanings:
//  - A fault ends the connection through the transport below (abort_connection() for a
//    reset, lose_connection() for a close), so connection_lost() comes later, from that
//    transport, as promise 5 asks. A reset's reason is errc::connection_lost, with a
//    message that says "fault injected" and what was hit. From the fault on, nothing more
//    passes in either direction except, for a close, the bytes already written. A stall
//    ends nothing: the connection goes silent until the protocol (or the transport
//    below) ends it.
//  - Delayed bytes count in write_buffer_size(); a producer registered above is paused
//    while they and the transport's own buffer are above the high-water mark, and resumed
//    at the low one. lose_connection() and half_close() wait for them (promise 2);
//    abort_connection() drops them (promise 3). Back-pressure (promise 9) counts them
//    too: with no producer registered, a data_received() that leaves them and the
//    transport's buffer above the high-water mark stops reading (below, apart from the
//    protocol's own pause_reading()) until the held bytes drain to the low one.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_FAKES_FAULT_INJECTING_LAYER_H_
#define KIT_FAKES_FAULT_INJECTING_LAYER_H_

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/fault_plan.h"
#include "kit/delayed_call.h"
#include "kit/failure.h"
#include "kit/protocol.h"
#include "kit/protocol_wrapper.h"
#include "kit/time.h"

namespace kit::fakes {

// FaultLog: what a layer saw and did, kept where the test can read it after the layer
// (which the connection owns) is gone. Several layers may write into one log; it sums
// them, while each layer counts its own operations and offsets for its plan.
struct FaultLog {
  std::size_t operations = 0;  // operations counted so far (see FaultPlan::fail_operation)
  std::size_t bytes_in = 0;    // bytes passed up
  std::size_t bytes_out = 0;   // bytes accepted from above to go down
  // hits: each fault injected, as a sentence ("cut inbound at byte 17: reset").
  std::vector<std::string> hits;
};

class FaultInjectingLayer : public ProtocolWrapper {
 public:
  // `log`, if given, must outlive the layer.
  FaultInjectingLayer(std::unique_ptr<Protocol> wrapped, FaultPlan plan, FaultLog* log = nullptr);
  ~FaultInjectingLayer() override;

  const FaultPlan& plan() const noexcept { return plan_; }
  // hit: a fault was injected (the first one ends the connection, so there is one).
  bool hit() const noexcept { return hit_.has_value(); }
  const std::optional<std::string>& what_hit() const noexcept { return hit_; }

  // ---- Protocol, from below
  void data_received(std::string_view data) override;
  void read_connection_lost() override;
  void connection_lost(const Failure& reason) override;

  // ---- Transport, from above
  void write(std::string_view data) override;
  void write_sequence(std::span<const std::string_view> pieces) override;
  void lose_connection() override;
  void abort_connection() override;
  void half_close() override;
  void register_producer(Producer& producer) override;
  void unregister_producer() override;
  void set_write_buffer_limits(std::size_t high, std::size_t low) override;
  void set_back_pressure(bool on) override;
  void pause_reading() override;
  void resume_reading() override;
  bool disconnecting() const override;

 protected:
  std::size_t buffered_here() const override { return held_bytes_; }
  void pause_above() override;
  void resume_above() override;

 private:
  struct Piece {
    TimePoint due;
    std::string bytes;
  };

  // Counts one operation; true when it is the one to fail (and it has been failed).
  bool fail_this_operation(std::string_view what);
  // Passes `data` from above down: the outbound cut, splitting, delay.
  void send(std::string_view data);
  void send_pieces(std::string_view data);
  std::size_t next_piece_size();
  // Runs what is due of the held pieces, then what waits for them (a close).
  void flush_due();
  void schedule_flush();
  void drop_held();
  // inject: records `what` and ends the connection by `ending`.
  void inject(std::string what, FaultEnding ending);
  // Producer above: paused while held bytes keep the buffer above the high-water mark.
  void update_own_pause();
  void set_paused_above(bool below, bool own);
  // Back-pressure of the layer's own: reading stops while held bytes keep the buffer high.
  void update_throttle(bool may_start = false);
  void end_throttle();

  // Watch: registered below while the layer throttles reading with no producer above, with
  // the transport's marks at (low, low), so the transport's own buffer draining to the low
  // mark calls back (resume_producing) and the throttle can end.
  class Watch final : public Producer {
   public:
    explicit Watch(FaultInjectingLayer& layer) : layer_(layer) {}
    void pause_producing() override {}
    void resume_producing() override { layer_.update_throttle(); }
    void stop_producing() override {}

   private:
    FaultInjectingLayer& layer_;
  };

  FaultPlan plan_;
  FaultLog own_log_;
  FaultLog& log_;
  std::mt19937_64 pieces_rng_;
  std::size_t next_scripted_piece_ = 0;
  std::size_t operations_ = 0;  // this layer's own counts (the log may sum several)
  std::size_t bytes_in_ = 0;
  std::size_t bytes_out_ = 0;
  std::deque<Piece> held_;
  std::size_t held_bytes_ = 0;
  DelayedCall flush_call_;
  std::optional<std::string> hit_;
  std::optional<FaultEnding> ending_;  // set once a fault ended the connection
  bool closing_ = false;               // lose_connection() waits for held pieces
  bool half_closing_ = false;          // half_close() waits for held pieces
  bool write_shut_ = false;            // half_close() asked: writes are ignored
  bool lost_ = false;
  std::size_t high_water_ = Transport::default_high_water;
  std::size_t low_water_ = Transport::default_low_water;
  bool paused_by_below_ = false;
  bool paused_by_self_ = false;
  bool back_pressure_ = true;
  bool throttled_ = false;       // the layer stopped reading below for its held bytes
  bool reading_paused_ = false;  // the protocol above paused reading
  Watch watch_{*this};
  bool watching_ = false;
};

}  // namespace kit::fakes

#endif  // KIT_FAKES_FAULT_INJECTING_LAYER_H_
