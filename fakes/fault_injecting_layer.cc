#include "fakes/fault_injecting_layer.h"

#include <algorithm>
#include <utility>

#include "kit/clock.h"

namespace kit::fakes {

FaultInjectingLayer::FaultInjectingLayer(std::unique_ptr<Protocol> wrapped, FaultPlan plan,
                                         FaultLog* log)
    : ProtocolWrapper(std::move(wrapped)),
      plan_(std::move(plan)),
      log_(log != nullptr ? *log : own_log_),
      pieces_rng_(plan_.seed) {}

FaultInjectingLayer::~FaultInjectingLayer() = default;

// ---- faults

namespace {

std::string of_bytes(std::string_view what, std::size_t size) {
  return std::string(what) + " of " + std::to_string(size) + (size == 1 ? " byte" : " bytes");
}

}  // namespace

bool FaultInjectingLayer::fail_this_operation(std::string_view what) {
  const std::size_t index = ++operations_;
  ++log_.operations;
  if (plan_.fail_operation == 0 || index != plan_.fail_operation) return false;
  inject("operation " + std::to_string(index) + " (" + std::string(what) + ") failed",
         plan_.fail_ending);
  return true;
}

void FaultInjectingLayer::inject(std::string what, FaultEnding ending) {
  what += ": ";
  what += to_string(ending);
  log_.hits.push_back(what);
  hit_ = std::move(what);
  ending_ = ending;
  if (lost_) return;
  if (ending == FaultEnding::stall) {
    drop_held();  // the connection stays up, silent: see FaultEnding
    update_own_pause();
    update_throttle();
  } else if (ending == FaultEnding::reset) {
    drop_held();
    lower().abort_connection();
  } else if (held_.empty()) {
    lower().lose_connection();
  } else {
    closing_ = true;  // the bytes written before the fault go first
  }
}

// ---- from below

void FaultInjectingLayer::data_received(std::string_view data) {
  if (ending_ || lost_) return;
  if (fail_this_operation(of_bytes("data_received", data.size()))) return;
  if (plan_.cut && plan_.cut->direction == FaultDirection::inbound &&
      bytes_in_ + data.size() > plan_.cut->offset) {
    const std::string_view before = data.substr(0, plan_.cut->offset - bytes_in_);
    if (!before.empty()) {
      bytes_in_ += before.size();
      log_.bytes_in += before.size();
      ProtocolWrapper::data_received(before);
    }
    // The protocol may have closed on what it got; the cut is still what happened next.
    if (!ending_ && !lost_) {
      inject("cut inbound at byte " + std::to_string(plan_.cut->offset), plan_.cut->ending);
    }
    return;
  }
  bytes_in_ += data.size();
  log_.bytes_in += data.size();
  ProtocolWrapper::data_received(data);
  update_throttle(/*may_start=*/true);
}

void FaultInjectingLayer::read_connection_lost() {
  if (ending_ || lost_) return;
  ProtocolWrapper::read_connection_lost();
}

void FaultInjectingLayer::connection_lost(const Failure& reason) {
  lost_ = true;
  flush_call_.cancel();
  drop_held();
  if (ending_ == FaultEnding::reset) {
    ProtocolWrapper::connection_lost(Failure(errc::connection_lost, "fault injected: " + *hit_));
  } else {
    ProtocolWrapper::connection_lost(reason);
  }
}

// ---- from above

void FaultInjectingLayer::write(std::string_view data) {
  if (disconnecting() || write_shut_ || ending_) return;
  if (fail_this_operation(of_bytes("write", data.size()))) return;
  send(data);
}

void FaultInjectingLayer::write_sequence(std::span<const std::string_view> pieces) {
  if (disconnecting() || write_shut_ || ending_) return;
  std::size_t size = 0;
  for (std::string_view piece : pieces) size += piece.size();
  if (fail_this_operation(of_bytes("write_sequence", size))) return;
  if (plan_.injects_nothing()) {
    ProtocolWrapper::write_sequence(pieces);  // as one call below, as the protocol made it
    bytes_out_ += size;
    log_.bytes_out += size;
    return;
  }
  for (std::string_view piece : pieces) {
    if (ending_) break;
    send(piece);
  }
}

void FaultInjectingLayer::send(std::string_view data) {
  if (plan_.cut && plan_.cut->direction == FaultDirection::outbound &&
      bytes_out_ + data.size() > plan_.cut->offset) {
    send_pieces(data.substr(0, plan_.cut->offset - bytes_out_));
    inject("cut outbound at byte " + std::to_string(plan_.cut->offset), plan_.cut->ending);
    return;
  }
  send_pieces(data);
}

std::size_t FaultInjectingLayer::next_piece_size() {
  if (!plan_.piece_sizes.empty()) {
    const std::size_t size = plan_.piece_sizes[next_scripted_piece_];
    next_scripted_piece_ = (next_scripted_piece_ + 1) % plan_.piece_sizes.size();
    return std::max<std::size_t>(size, 1);
  }
  if (plan_.max_piece > 0) {
    // Not a std::uniform_int_distribution: its output differs between standard libraries,
    // and a plan must cut the same pieces everywhere (mt19937_64's own output is fixed).
    return 1 + static_cast<std::size_t>(pieces_rng_() % plan_.max_piece);
  }
  return static_cast<std::size_t>(-1);
}

void FaultInjectingLayer::send_pieces(std::string_view data) {
  bytes_out_ += data.size();
  log_.bytes_out += data.size();
  const bool delayed = plan_.delay > Duration::zero();
  while (!data.empty()) {
    const std::string_view piece = data.substr(0, next_piece_size());
    data.remove_prefix(piece.size());
    if (!delayed) {
      lower().write(piece);
      continue;
    }
    const TimePoint after = held_.empty() ? context().clock().now() : held_.back().due;
    held_.push_back(Piece{after + plan_.delay, std::string(piece)});
    held_bytes_ += piece.size();
  }
  if (delayed) {
    schedule_flush();
    update_own_pause();
  }
}

void FaultInjectingLayer::schedule_flush() {
  if (held_.empty() || flush_call_.active()) return;
  const Duration wait = std::max(held_.front().due - context().clock().now(), Duration::zero());
  flush_call_ = context().clock().call_later(wait, [this] { flush_due(); });
}

void FaultInjectingLayer::flush_due() {
  const TimePoint now = context().clock().now();
  while (!held_.empty() && held_.front().due <= now && !lost_) {
    Piece piece = std::move(held_.front());
    held_.pop_front();
    held_bytes_ -= piece.bytes.size();
    lower().write(piece.bytes);
  }
  if (lost_) return;
  if (!held_.empty()) {
    schedule_flush();
  } else if (closing_) {
    lower().lose_connection();
  } else if (half_closing_) {
    half_closing_ = false;
    lower().half_close();
  }
  update_own_pause();
  update_throttle();
}

void FaultInjectingLayer::drop_held() {
  held_.clear();
  held_bytes_ = 0;
  flush_call_.cancel();
}

void FaultInjectingLayer::lose_connection() {
  if (lost_ || closing_) return;
  if (held_.empty()) {
    ProtocolWrapper::lose_connection();
  } else {
    closing_ = true;
  }
}

void FaultInjectingLayer::abort_connection() {
  if (lost_) return;
  drop_held();
  closing_ = false;
  ProtocolWrapper::abort_connection();
}

void FaultInjectingLayer::half_close() {
  if (lost_ || write_shut_) return;
  write_shut_ = true;
  if (held_.empty()) {
    ProtocolWrapper::half_close();
  } else {
    half_closing_ = true;
  }
}

bool FaultInjectingLayer::disconnecting() const {
  const bool ended = ending_.has_value() && *ending_ != FaultEnding::stall;
  return closing_ || ended || ProtocolWrapper::disconnecting();
}

// ---- flow control: the producer above hears the transport below and the held bytes

void FaultInjectingLayer::register_producer(Producer& producer) {
  if (watching_) end_throttle();  // a producer replaces back-pressure (promise 9)
  paused_by_below_ = false;
  paused_by_self_ = false;
  ProtocolWrapper::register_producer(producer);
  update_own_pause();
  update_throttle();
}

void FaultInjectingLayer::unregister_producer() {
  ProtocolWrapper::unregister_producer();
  paused_by_below_ = false;
  paused_by_self_ = false;
}

void FaultInjectingLayer::set_write_buffer_limits(std::size_t high, std::size_t low) {
  ProtocolWrapper::set_write_buffer_limits(watching_ ? low : high, low);
  high_water_ = high;
  low_water_ = low;
  update_own_pause();
}

void FaultInjectingLayer::set_back_pressure(bool on) {
  ProtocolWrapper::set_back_pressure(on);
  back_pressure_ = on;
  update_throttle();
}

void FaultInjectingLayer::pause_reading() {
  reading_paused_ = true;
  ProtocolWrapper::pause_reading();
}

void FaultInjectingLayer::resume_reading() {
  reading_paused_ = false;
  if (!throttled_) ProtocolWrapper::resume_reading();
}

// Only a data_received() starts the throttle (writes made elsewhere do not, promise 9);
// draining, a producer registered or back-pressure turned off end it.
void FaultInjectingLayer::update_throttle(bool may_start) {
  if (lost_ || transport() == nullptr) return;
  const bool applies = back_pressure_ && producer_above() == nullptr;
  if (!throttled_) {
    if (may_start && applies && held_bytes_ > 0 && write_buffer_size() > high_water_ &&
        !disconnecting()) {
      throttled_ = true;
      if (!reading_paused_) ProtocolWrapper::pause_reading();
      lower().set_write_buffer_limits(low_water_, low_water_);
      watching_ = true;
      lower().register_producer(watch_);
    }
    return;
  }
  if (!applies || write_buffer_size() <= low_water_) end_throttle();
}

void FaultInjectingLayer::end_throttle() {
  if (!throttled_) return;
  throttled_ = false;
  if (watching_) {
    watching_ = false;
    lower().unregister_producer();
    lower().set_write_buffer_limits(high_water_, low_water_);
  }
  if (!reading_paused_) ProtocolWrapper::resume_reading();
}

void FaultInjectingLayer::pause_above() { set_paused_above(true, paused_by_self_); }

void FaultInjectingLayer::resume_above() { set_paused_above(false, paused_by_self_); }

void FaultInjectingLayer::update_own_pause() {
  if (producer_above() == nullptr || lost_ || transport() == nullptr) return;
  const std::size_t size = write_buffer_size();
  bool own = paused_by_self_;
  if (held_bytes_ > 0 && size > high_water_) own = true;
  if (size <= low_water_) own = false;
  set_paused_above(paused_by_below_, own);
}

void FaultInjectingLayer::set_paused_above(bool below, bool own) {
  const bool was = paused_by_below_ || paused_by_self_;
  paused_by_below_ = below;
  paused_by_self_ = own;
  const bool now = paused_by_below_ || paused_by_self_;
  if (was == now) return;
  if (now) {
    ProtocolWrapper::pause_above();
  } else {
    ProtocolWrapper::resume_above();
  }
}

}  // namespace kit::fakes
