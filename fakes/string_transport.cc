#include "fakes/string_transport.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "fakes/fake_clock.h"

namespace kit::fakes {

StringTransport::StringTransport()
    : StringTransport(Address::tcp("192.168.1.1", 54321), Address::tcp("10.0.0.1", 12345)) {}

StringTransport::StringTransport(Address peer, Address host)
    : peer_(std::move(peer)), host_(std::move(host)) {}

StringTransport::~StringTransport() = default;

void StringTransport::require_connected(const char* what) const {
  if (protocol_ == nullptr) {
    throw std::logic_error(std::string("StringTransport::") + what + ": no protocol connected");
  }
  if (lost_) {
    throw std::logic_error(std::string("StringTransport::") + what +
                           ": the connection is already lost");
  }
}

template <typename Step>
void StringTransport::drive(Step step) {
  struct Depth {
    int& depth;
    explicit Depth(int& d) : depth(d) { ++depth; }
    ~Depth() { --depth; }
  };
  {
    Depth depth(depth_);
    step();
  }
  if (depth_ == 0) settle();
}

void StringTransport::settle() {
  settle_call_.cancel();
  while (!lost_ && depth_ == 0) {
    if (close_requested_ && (aborted_ || held_.empty())) {
      finish(*close_requested_);
      return;
    }
    if (reading_paused_ || disconnecting_) return;
    if (!queued_input_.empty()) {
      std::string chunk = std::move(queued_input_.front());
      queued_input_.pop_front();
      ++depth_;
      protocol_->data_received(chunk);
      --depth_;
    } else if (eof_queued_) {
      eof_queued_ = false;
      ++depth_;
      protocol_->read_connection_lost();
      --depth_;
      if (write_closed_ && !disconnecting_) {
        // Both directions are shut: the connection is over.
        close_requested_ = Failure(errc::connection_done);
        disconnecting_ = true;
      }
    } else {
      return;
    }
  }
}

void StringTransport::schedule_settle() {
  if (depth_ > 0) return;  // the driving call settles when it returns
  if (FakeClock* clock = FakeClock::running()) {
    // Asked from inside a timer: complete right after it returns, in the same advance.
    if (!settle_call_.active()) settle_call_ = clock->call_later(Duration::zero(), [this] { settle(); });
    return;
  }
  settle();
}

void StringTransport::finish(Failure reason) {
  lost_ = true;
  disconnecting_ = true;
  lost_reason_ = reason;
  queued_input_.clear();
  if (Producer* producer = std::exchange(producer_, nullptr)) producer->stop_producing();
  ++depth_;
  protocol_->connection_lost(reason);
  --depth_;
}

void StringTransport::connect(Protocol& protocol) {
  if (protocol_ != nullptr) throw std::logic_error("StringTransport::connect: already connected");
  protocol_ = &protocol;
  drive([&] { protocol.make_connection(*this); });
}

void StringTransport::receive(std::string_view data) {
  require_connected("receive");
  if (eof_queued_) throw std::logic_error("StringTransport::receive: after receive_eof");
  if (disconnecting_ || data.empty()) return;  // a closing connection reads no more
  if (reading_paused_ || !queued_input_.empty()) {
    queued_input_.emplace_back(data);
    return;
  }
  drive([&] { protocol_->data_received(data); });
}

void StringTransport::receive_eof() {
  require_connected("receive_eof");
  if (eof_queued_) throw std::logic_error("StringTransport::receive_eof: called twice");
  if (disconnecting_) return;
  eof_queued_ = true;
  drive([] {});
}

void StringTransport::lose_from_peer(Failure reason) {
  require_connected("lose_from_peer");
  if (depth_ > 0) throw std::logic_error("StringTransport::lose_from_peer: called from protocol code");
  finish(std::move(reason));
}

std::string StringTransport::take() { return std::exchange(written_, std::string()); }

void StringTransport::hold_writes(bool hold) {
  hold_writes_ = hold;
  if (!hold) deliver_held();
}

void StringTransport::deliver_held(std::size_t max) {
  std::size_t n = std::min(max, held_.size());
  written_.append(held_, 0, n);
  held_.erase(0, n);
  update_producer();
  if (held_.empty() && half_close_pending_) {
    half_close_pending_ = false;
    write_closed_ = true;
  }
  if (held_.empty() && close_requested_ && !lost_) schedule_settle();
}

void StringTransport::write(std::string_view data) {
  if (disconnecting_ || write_closed_ || half_close_pending_ || lost_) return;
  if (hold_writes_ || !held_.empty()) {
    held_.append(data);
    update_producer();
  } else {
    written_.append(data);
  }
}

void StringTransport::lose_connection() {
  if (lost_ || disconnecting_) return;
  disconnecting_ = true;
  close_requested_ = Failure(errc::connection_done);
  schedule_settle();
}

void StringTransport::abort_connection() {
  if (lost_ || aborted_) return;
  disconnecting_ = true;
  aborted_ = true;
  held_.clear();
  close_requested_ = Failure(errc::connection_aborted);
  schedule_settle();
}

void StringTransport::half_close() {
  if (lost_ || disconnecting_ || write_closed_ || half_close_pending_) return;
  if (held_.empty()) {
    write_closed_ = true;
  } else {
    half_close_pending_ = true;
  }
}

void StringTransport::pause_reading() { reading_paused_ = true; }

void StringTransport::resume_reading() {
  if (!reading_paused_) return;
  reading_paused_ = false;
  if (!queued_input_.empty() || eof_queued_) schedule_settle();
}

void StringTransport::register_producer(Producer& producer) {
  if (producer_ != nullptr) {
    throw std::logic_error("StringTransport::register_producer: a producer is already registered");
  }
  if (lost_) {
    producer.stop_producing();
    return;
  }
  producer_ = &producer;
  producer_paused_ = false;
  update_producer();
}

void StringTransport::unregister_producer() {
  producer_ = nullptr;
  producer_paused_ = false;
}

void StringTransport::set_write_buffer_limits(std::size_t high, std::size_t low) {
  if (low > high) {
    throw std::invalid_argument("StringTransport::set_write_buffer_limits: low above high");
  }
  high_water_ = high;
  low_water_ = low;
  update_producer();
}

void StringTransport::update_producer() {
  if (producer_ == nullptr) return;
  if (!producer_paused_ && held_.size() > high_water_) {
    producer_paused_ = true;
    producer_->pause_producing();
  } else if (producer_paused_ && held_.size() <= low_water_) {
    producer_paused_ = false;
    producer_->resume_producing();
  }
}

}  // namespace kit::fakes
