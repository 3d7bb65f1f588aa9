#include "fakes/string_transport.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "fakes/fake_clock.h"

namespace kit::fakes {
namespace {

// Driving calls in progress on this thread, over every StringTransport.
thread_local int driving_depth = 0;
// Transports that were asked for something while protocol code ran, in the order asked.
thread_local std::deque<StringTransport*> deferred_transports;
// Whether settle_deferred() is draining that list (settling one may defer others).
thread_local bool draining_deferred = false;

}  // namespace

// Marks protocol code running: requests made meanwhile wait for the outermost scope.
class StringTransport::DrivingScope {
 public:
  DrivingScope() { ++driving_depth; }
  ~DrivingScope() { --driving_depth; }
  DrivingScope(const DrivingScope&) = delete;
  DrivingScope& operator=(const DrivingScope&) = delete;
};

StringTransport::StringTransport()
    : StringTransport(Address::tcp("192.168.1.1", 54321), Address::tcp("10.0.0.1", 12345)) {}

StringTransport::StringTransport(Address peer, Address host)
    : peer_(std::move(peer)), host_(std::move(host)) {}

StringTransport::~StringTransport() {
  if (settle_deferred_) {
    std::erase(deferred_transports, this);
  }
}

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
void StringTransport::drive_step(Step step) {
  {
    DrivingScope scope;
    step();
  }
  settle();
}

void StringTransport::settle() {
  if (driving_depth > 0) {
    defer_settle();
    return;
  }
  settle_call_.cancel();
  if (protocol_ != nullptr) {
    DrivingScope scope;
    while (!lost_) {
      if (lost_by_peer_) {
        finish(*lost_by_peer_);
      } else if (close_requested_ && (aborted_ || held_.empty())) {
        finish(*close_requested_);
      } else if (reading_paused_ || disconnecting_) {
        break;
      } else if (!queued_input_.empty()) {
        std::string chunk = std::move(queued_input_.front());
        queued_input_.pop_front();
        protocol_->data_received(chunk);
      } else if (eof_queued_) {
        eof_queued_ = false;
        eof_delivered_ = true;
        protocol_->read_connection_lost();
        if (write_closed_ && !disconnecting_) {
          // Both directions are shut: the connection is over.
          close_requested_ = Failure(errc::connection_done);
          disconnecting_ = true;
        }
      } else {
        break;
      }
    }
  }
  settle_deferred();
}

void StringTransport::defer_settle() {
  if (!settle_deferred_) {
    settle_deferred_ = true;
    deferred_transports.push_back(this);
  }
  settle_deferred();
}

void StringTransport::settle_deferred() {
  if (draining_deferred) return;  // the loop below picks up what was added
  draining_deferred = true;
  struct Reset {
    ~Reset() { draining_deferred = false; }
  } reset;
  while (driving_depth == 0 && !deferred_transports.empty()) {
    StringTransport* transport = deferred_transports.front();
    deferred_transports.pop_front();
    transport->settle_deferred_ = false;
    transport->settle();
  }
}

void StringTransport::schedule_settle() {
  if (driving_depth > 0) {
    defer_settle();  // the outermost driving call settles when it returns
    return;
  }
  FakeClock* clock = FakeClock::running();
  if (clock == nullptr) clock = clock_;
  if (clock != nullptr) {
    // Asked from inside a timer: complete right after it returns, in the same advance.
    // Asked from outside (clock_): complete on the clock's next advance.
    if (!settle_call_.active()) {
      settle_call_ = clock->call_later(Duration::zero(), [this] { settle(); });
    }
    return;
  }
  settle();
}

void StringTransport::finish(Failure reason) {
  lost_ = true;
  disconnecting_ = true;
  lost_reason_ = reason;
  queued_input_.clear();
  eof_queued_ = false;
  settle_call_.cancel();
  if (Producer* producer = flow_.release()) producer->stop_producing();
  protocol_->connection_lost(reason);
  if (on_lost_) on_lost_(reason);
}

void StringTransport::connect(Protocol& protocol) {
  if (protocol_ != nullptr) throw std::logic_error("StringTransport::connect: already connected");
  protocol_ = &protocol;
  drive_step([&] { protocol.make_connection(*this); });
}

void StringTransport::receive(std::string_view data) {
  require_connected("receive");
  if (eof_queued_ || eof_delivered_) {
    throw std::logic_error("StringTransport::receive: after receive_eof");
  }
  if (disconnecting_ || data.empty()) return;  // a closing connection reads no more
  if (driving_depth == 0 && !reading_paused_ && queued_input_.empty()) {
    drive_step([&] { protocol_->data_received(data); });
    return;
  }
  queued_input_.emplace_back(data);
  settle();
}

void StringTransport::receive_eof() {
  require_connected("receive_eof");
  if (eof_queued_ || eof_delivered_) {
    throw std::logic_error("StringTransport::receive_eof: called twice");
  }
  if (disconnecting_) return;
  eof_queued_ = true;
  settle();
}

void StringTransport::lose_from_peer(Failure reason) {
  require_connected("lose_from_peer");
  if (!lost_by_peer_) lost_by_peer_ = std::move(reason);
  settle();
}

void StringTransport::drive(unique_function<void()> fn) {
  {
    DrivingScope scope;
    fn();
  }
  settle_deferred();
}

std::string StringTransport::take() { return std::exchange(written_, std::string()); }

void StringTransport::hold_writes(bool hold) {
  hold_writes_ = hold;
  if (!hold) deliver_held();
}

void StringTransport::deliver_held(std::size_t max) {
  drive_step([&] {
    std::size_t n = std::min(max, held_.size());
    written_.append(held_, 0, n);
    held_.erase(0, n);
    update_producer();
    if (held_.empty() && half_close_pending_) {
      half_close_pending_ = false;
      shut_write_side();
    }
  });
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
  half_close_pending_ = false;
  close_requested_ = Failure(errc::connection_aborted);
  schedule_settle();
}

void StringTransport::half_close() {
  if (lost_ || disconnecting_ || write_closed_ || half_close_pending_) return;
  if (held_.empty()) {
    shut_write_side();
  } else {
    half_close_pending_ = true;
  }
}

void StringTransport::shut_write_side() {
  write_closed_ = true;
  if (eof_delivered_ && !disconnecting_) {
    // The peer already half-closed: with both directions shut the connection is over.
    disconnecting_ = true;
    close_requested_ = Failure(errc::connection_done);
    schedule_settle();
  }
}

void StringTransport::pause_reading() { reading_paused_ = true; }

void StringTransport::resume_reading() {
  if (!reading_paused_) return;
  reading_paused_ = false;
  if (!queued_input_.empty() || eof_queued_) schedule_settle();
}

void StringTransport::register_producer(Producer& producer) {
  flow_.register_producer(producer, "StringTransport");
  if (lost_) {
    flow_.release()->stop_producing();
    return;
  }
  update_producer();
}

void StringTransport::unregister_producer() { flow_.unregister_producer(); }

void StringTransport::set_write_buffer_limits(std::size_t high, std::size_t low) {
  flow_.set_limits(high, low, "StringTransport");
  update_producer();
}

void StringTransport::update_producer() { flow_.apply(held_.size()); }

}  // namespace kit::fakes
