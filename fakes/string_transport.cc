#include "fakes/string_transport.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "fakes/fake_clock.h"

namespace kit::fakes {

using Action = ConnectionState::Action;

StringTransport::StringTransport()
    : StringTransport(Address::tcp("192.168.1.1", 54321), Address::tcp("10.0.0.1", 12345)) {}

StringTransport::StringTransport(Address peer, Address host)
    : peer_(std::move(peer)), host_(std::move(host)) {}

StringTransport::~StringTransport() = default;

void StringTransport::require_connected(const char* what) const {
  if (protocol_ == nullptr) {
    throw std::logic_error(std::string("StringTransport::") + what + ": no protocol connected");
  }
  if (state_.is_lost()) {
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
  if (driving()) {
    settle_later(*this);
    return;
  }
  settle_call_.cancel();
  if (protocol_ != nullptr) {
    DrivingScope scope;
    while (!state_.is_lost()) {
      if (lost_by_peer_) {
        finish(*lost_by_peer_);
      } else if (close_requested_ && (state_.aborted() || held_.empty())) {
        finish(*close_requested_);
      } else if (!reading_open() || state_.disconnecting()) {
        break;
      } else if (!queued_input_.empty()) {
        std::string chunk = std::move(queued_input_.front());
        queued_input_.pop_front();
        const std::size_t before = held_.size();
        protocol_->data_received(chunk);
        flow_.read_delivered(before, held_.size());
      } else if (eof_queued_) {
        eof_queued_ = false;
        const Action action = state_.end_of_input();
        protocol_->read_connection_lost();
        act(action);
      } else {
        break;
      }
    }
  }
  settle_deferred();
}

void StringTransport::schedule_settle() {
  if (driving()) {
    settle_later(*this);  // the outermost driving call settles when it returns
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

void StringTransport::act(Action action) {
  switch (action) {
    case Action::finish:
      if (!close_requested_) close_requested_ = Failure(state_.finish_reason());
      schedule_settle();
      break;
    case Action::shut_write:
      shut_write_side();
      break;
    case Action::none:
      break;
  }
}

void StringTransport::finish(Failure reason) {
  state_.lost();
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
  if (eof_queued_ || state_.eof_received()) {
    throw std::logic_error("StringTransport::receive: after receive_eof");
  }
  if (state_.disconnecting() || data.empty()) return;  // a closing connection reads no more
  if (!driving() && reading_open() && queued_input_.empty()) {
    drive_step([&] {
      const std::size_t before = held_.size();
      protocol_->data_received(data);
      flow_.read_delivered(before, held_.size());
    });
    return;
  }
  queued_input_.emplace_back(data);
  settle();
}

void StringTransport::receive_eof() {
  require_connected("receive_eof");
  if (eof_queued_ || state_.eof_received()) {
    throw std::logic_error("StringTransport::receive_eof: called twice");
  }
  if (state_.disconnecting()) return;
  eof_queued_ = true;
  settle();
}

void StringTransport::lose_from_peer(Failure reason) {
  require_connected("lose_from_peer");
  if (!lost_by_peer_) lost_by_peer_ = std::move(reason);
  settle();
}

void StringTransport::drive(unique_function<void()> fn) { fakes::drive(std::move(fn)); }

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
    update_producer(flow_.throttled());
    if (held_.empty()) act(state_.drained());
  });
}

void StringTransport::write(std::string_view data) {
  if (!state_.accepts_writes()) return;
  if (hold_writes_ || !held_.empty()) {
    held_.append(data);
    update_producer(false);
  } else {
    written_.append(data);
  }
}

void StringTransport::lose_connection() {
  if (state_.is_lost()) return;
  if (state_.disconnecting()) return;
  state_.close(held_.empty());
  // Completed by settle() once the held writes are delivered.
  close_requested_ = Failure(errc::connection_done);
  schedule_settle();
}

void StringTransport::abort_connection() {
  if (state_.abort() == Action::none) return;
  held_.clear();
  close_requested_ = Failure(errc::connection_aborted);
  schedule_settle();
}

void StringTransport::half_close() {
  if (state_.write_is_shut()) return;
  act(state_.half_close(held_.empty()));
}

void StringTransport::shut_write_side() { act(state_.write_shut()); }

void StringTransport::pause_reading() { state_.pause_reading(); }

void StringTransport::resume_reading() {
  if (!state_.resume_reading()) return;
  if (reading_open() && (!queued_input_.empty() || eof_queued_)) schedule_settle();
}

void StringTransport::register_producer(Producer& producer) {
  const bool was_throttled = flow_.throttled();
  flow_.register_producer(producer, "StringTransport");
  if (state_.is_lost()) {
    flow_.release()->stop_producing();
    return;
  }
  update_producer(was_throttled);
}

void StringTransport::unregister_producer() {
  flow_.unregister_producer();
  update_producer(false);
}

void StringTransport::set_write_buffer_limits(std::size_t high, std::size_t low) {
  const bool was_throttled = flow_.throttled();
  flow_.set_limits(high, low, "StringTransport");
  update_producer(was_throttled);
}

void StringTransport::set_back_pressure(bool on) {
  const bool was_throttled = flow_.throttled();
  flow_.set_back_pressure(on);
  update_producer(was_throttled);
}

void StringTransport::update_producer(bool was_throttled) {
  flow_.apply(held_.size());
  // Back-pressure let go: what waited is delivered from the driving call or the clock.
  if (was_throttled && reading_open() && (!queued_input_.empty() || eof_queued_)) {
    schedule_settle();
  }
}

void StringTransport::set_context(Context& context) {
  if (protocol_ != nullptr && !state_.is_lost()) {
    throw std::logic_error("StringTransport::set_context: a protocol is connected");
  }
  context_ = &context;
}

Context& StringTransport::context() {
  if (context_ != nullptr) return *context_;
  if (!own_context_) own_context_ = std::make_unique<FakeContext>();
  return *own_context_;
}

}  // namespace kit::fakes
