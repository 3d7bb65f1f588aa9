#include "testing/conformance/loopback_harness.h"

#include <utility>

#include "kit/time.h"
#include "testing/conformance/loopback_steps.h"

namespace kit::testing {

void LoopbackHarness::Peer::connection_lost(const Failure& reason) {
  // A reset after the end of stream is still a reset: the peer saw the stream break.
  end = reason.is(errc::connection_done) ? PeerEnd::eof : PeerEnd::reset;
}

LoopbackHarness::LoopbackHarness(Options options) : options_(options) {}

std::string LoopbackHarness::name() const {
  return "loopback seed " + std::to_string(options_.seed) + ", max_chunk " +
         std::to_string(options_.max_chunk) + ", bytes_per_step " +
         std::to_string(options_.bytes_per_step);
}

void LoopbackHarness::connect(Protocol& protocol) {
  pair_.emplace(protocol, peer_,
                fakes::LoopbackOptions{.seed = options_.seed,
                                       .max_chunk = options_.max_chunk,
                                       .bytes_per_step = options_.bytes_per_step,
                                       .max_rounds = max_steps,
                                       .client_address = Address::memory("suite"),
                                       .server_address = Address::memory("peer"),
                                       .clock = &clock_});
}

void LoopbackHarness::call_in_reactor(unique_function<void()> fn) {
  clock_.call_later(Duration::zero(), std::move(fn)).detach();
  clock_.advance(Duration::zero());
}

fakes::LoopbackTransport* LoopbackHarness::peer_transport() {
  return pair_ ? &pair_->server_transport() : nullptr;
}

// A LoopbackTransport ignores requests once its connection is gone, as a closed socket's
// owner would find nothing left to do, so these need no check of their own.
void LoopbackHarness::peer_send(std::string_view data) {
  if (fakes::LoopbackTransport* transport = peer_transport()) transport->write(data);
}

void LoopbackHarness::peer_half_close() {
  if (fakes::LoopbackTransport* transport = peer_transport()) transport->half_close();
}

void LoopbackHarness::peer_close() {
  if (fakes::LoopbackTransport* transport = peer_transport()) transport->lose_connection();
}

void LoopbackHarness::peer_reset() {
  if (fakes::LoopbackTransport* transport = peer_transport()) transport->abort_connection();
}

void LoopbackHarness::peer_stop_reading() {
  if (fakes::LoopbackTransport* transport = peer_transport()) transport->pause_reading();
}

void LoopbackHarness::peer_resume_reading() {
  if (fakes::LoopbackTransport* transport = peer_transport()) transport->resume_reading();
}

void LoopbackHarness::settle() { settle_loopback(pair_ ? &*pair_ : nullptr, clock_); }

bool LoopbackHarness::run_until(const std::function<bool()>& done) {
  return run_loopback_until(pair_ ? &*pair_ : nullptr, clock_, done, max_steps);
}

}  // namespace kit::testing
