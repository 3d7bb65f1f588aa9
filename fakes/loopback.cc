#include "fakes/loopback.h"

#include <algorithm>
#include <utility>

#include "fakes/fake_clock.h"

namespace kit::fakes {

// ---- LoopbackTransport

LoopbackTransport::LoopbackTransport(Protocol& protocol, Address host, Address peer,
                                     Context& context)
    : protocol_(protocol), host_(std::move(host)), peer_(std::move(peer)), context_(context) {}

void LoopbackTransport::write(std::string_view data) {
  if (!state_.accepts_writes() || data.empty()) return;
  out_.append(data);
  update_producer();
}

// The pair carries out closes at its next step (complete_close, abort_if_requested).
void LoopbackTransport::lose_connection() { state_.close(write_buffer_size() == 0); }

void LoopbackTransport::abort_connection() {
  if (state_.abort() == ConnectionState::Action::none) return;
  drop_out();
}

void LoopbackTransport::half_close() { state_.half_close(write_buffer_size() == 0); }

void LoopbackTransport::set_back_pressure(bool on) {
  flow_.set_back_pressure(on);
  update_producer();
}

void LoopbackTransport::register_producer(Producer& producer) {
  flow_.register_producer(producer, "LoopbackTransport");
  if (state_.is_lost()) {
    flow_.release()->stop_producing();
    return;
  }
  update_producer();
}

void LoopbackTransport::unregister_producer() { flow_.unregister_producer(); }

void LoopbackTransport::set_write_buffer_limits(std::size_t high, std::size_t low) {
  flow_.set_limits(high, low, "LoopbackTransport");
  update_producer();
}

std::string LoopbackTransport::take_out(std::size_t max) {
  std::size_t n = std::min(max, write_buffer_size());
  std::string taken = out_.substr(out_begin_, n);
  out_begin_ += n;
  if (out_begin_ == out_.size()) {
    out_.clear();
    out_begin_ = 0;
  } else if (out_begin_ > out_.size() / 2) {
    out_.erase(0, out_begin_);  // keeps the delivered prefix from growing without bound
    out_begin_ = 0;
  }
  return taken;
}

void LoopbackTransport::put_back(std::string_view bytes) {
  out_.insert(out_begin_, bytes);
  update_producer();
}

void LoopbackTransport::drop_out() {
  out_.clear();
  out_begin_ = 0;
  update_producer();
}

void LoopbackTransport::update_producer() { flow_.apply(write_buffer_size()); }

// ---- LoopbackPair

namespace {

Context& context_for(LoopbackOptions& options, std::unique_ptr<FakeContext>& own) {
  if (options.context != nullptr) return *options.context;
  own = options.clock != nullptr ? std::make_unique<FakeContext>(*options.clock)
                                 : std::make_unique<FakeContext>();
  return *own;
}

}  // namespace

LoopbackPair::LoopbackPair(Protocol& client, Protocol& server, LoopbackOptions options)
    : options_(std::move(options)),
      client_(client, options_.client_address, options_.server_address,
              context_for(options_, own_context_)),
      server_(server, options_.server_address, options_.client_address,
              options_.context != nullptr ? *options_.context : *own_context_),
      name_(options_.client_address.to_string() + " <-> " + options_.server_address.to_string()),
      chunking_(options_.seed) {
  server.make_connection(server_);
  client.make_connection(client_);
}

std::size_t LoopbackPair::pump() {
  std::size_t rounds = 0;
  while (step()) {
    if (++rounds >= options_.max_rounds) {
      throw LoopbackRunaway("LoopbackPair " + name_ + ": still busy after " +
                            std::to_string(rounds) +
                            " steps (do the two protocols answer each other forever?)");
    }
  }
  return rounds;
}

bool LoopbackPair::step() {
  if (stepping_) {
    throw std::logic_error("LoopbackPair " + name_ + ": step() or pump() from a protocol callback");
  }
  stepping_ = true;
  struct Reset {
    bool& flag;
    ~Reset() { flag = false; }
  } reset{stepping_};

  bool progress = false;
  progress |= abort_if_requested(client_, server_);
  progress |= abort_if_requested(server_, client_);
  progress |= transfer(client_, server_);
  progress |= transfer(server_, client_);
  progress |= complete_close(client_, server_);
  progress |= complete_close(server_, client_);
  progress |= deliver_peer_events(client_);
  progress |= deliver_peer_events(server_);
  progress |= run_clock();
  return progress;
}

bool LoopbackPair::abort_if_requested(LoopbackTransport& side, LoopbackTransport& peer) {
  if (!side.state_.aborted() || side.state_.is_lost()) return false;
  finish(side, Failure(errc::connection_aborted));
  if (!peer.state_.is_lost() && !peer.pending_lost_) {
    peer.pending_lost_ = Failure(errc::connection_lost, "connection reset by " + name_);
  }
  return true;
}

bool LoopbackPair::transfer(LoopbackTransport& from, LoopbackTransport& to) {
  if (from.write_buffer_size() == 0) return false;
  if (to.state_.disconnecting() || to.pending_lost_) {
    from.drop_out();  // nobody reads on the other side any more
    return true;
  }
  if (!to.reading()) return false;
  const std::size_t limit =
      options_.bytes_per_step == 0 ? from.write_buffer_size() : options_.bytes_per_step;
  std::string data = from.take_out(limit);
  from.update_producer();
  deliver(from, to, data);
  return true;
}

void LoopbackPair::deliver(LoopbackTransport& from, LoopbackTransport& to,
                           const std::string& data) {
  std::size_t offset = 0;
  while (offset < data.size()) {
    if (to.state_.disconnecting()) return;  // a closing side reads no more
    if (!to.reading()) {
      from.put_back(std::string_view(data).substr(offset));
      return;
    }
    std::size_t piece = data.size() - offset;
    if (options_.max_chunk > 0) {
      piece = std::min<std::size_t>(piece, 1 + chunking_() % options_.max_chunk);
    }
    std::string chunk = data.substr(offset, piece);
    offset += piece;
    const std::size_t before = to.write_buffer_size();
    to.protocol_.data_received(chunk);
    to.flow_.read_delivered(before, to.write_buffer_size());
  }
}

bool LoopbackPair::complete_close(LoopbackTransport& side, LoopbackTransport& peer) {
  if (side.state_.is_lost() || side.write_buffer_size() != 0) return false;
  // A close or reset by the peer that has not reached us yet ended the connection first:
  // if it was a reset, our buffer was dropped, not sent, and that is no clean close.
  const Failure reason = side.pending_lost_.value_or(Failure(errc::connection_done));
  switch (side.state_.drained()) {
    case ConnectionState::Action::finish:
      finish(side, reason);
      if (!peer.state_.is_lost() && !peer.pending_lost_) {
        peer.pending_lost_ = Failure(errc::connection_done);
      }
      return true;
    case ConnectionState::Action::shut_write:
      if (!peer.state_.is_lost()) peer.pending_eof_ = true;
      // Our EOF was the last direction still open: the connection is over for us.
      if (side.state_.write_shut() == ConnectionState::Action::finish) finish(side, reason);
      return true;
    case ConnectionState::Action::none:
      return false;
  }
  return false;
}

bool LoopbackPair::deliver_peer_events(LoopbackTransport& side) {
  if (!side.reading()) return false;
  if (side.pending_lost_) {
    Failure reason = std::move(*side.pending_lost_);
    side.pending_lost_.reset();
    finish(side, std::move(reason));
    return true;
  }
  if (side.pending_eof_) {
    side.pending_eof_ = false;
    const bool closing = side.state_.disconnecting();
    side.state_.end_of_input();
    if (!closing) side.protocol_.read_connection_lost();
    // Both directions shut: the peer half-closed and so did we.
    if (side.state_.write_is_shut() && !side.state_.is_lost()) {
      finish(side, Failure(errc::connection_done));
    }
    return true;
  }
  return false;
}

bool LoopbackPair::run_clock() {
  FakeClock* clock = options_.clock;
  if (clock == nullptr || FakeClock::running() == clock) return false;
  std::optional<TimePoint> next = clock->next_deadline();
  if (!next || *next > clock->now()) return false;
  clock->advance(Duration::zero());
  return true;
}

void LoopbackPair::finish(LoopbackTransport& side, Failure reason) {
  side.state_.lost();
  side.lost_reason_ = reason;
  side.pending_eof_ = false;
  side.pending_lost_.reset();
  side.out_.clear();
  side.out_begin_ = 0;
  if (Producer* producer = side.flow_.release()) producer->stop_producing();
  side.protocol_.connection_lost(reason);
}

}  // namespace kit::fakes
