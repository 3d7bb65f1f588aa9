#include "testing/conformance/string_transport_harness.h"

#include <cerrno>
#include <system_error>
#include <utility>

#include "kit/failure.h"

namespace kit::testing {

StringTransportHarness::StringTransportHarness() { transport_.set_clock(&clock_); }

void StringTransportHarness::connect(Protocol& protocol) { transport_.connect(protocol); }

void StringTransportHarness::call_in_reactor(unique_function<void()> fn) {
  clock_.call_later(Duration::zero(), std::move(fn)).detach();
  clock_.advance(Duration::zero());
}

// StringTransport refuses to drive a lost connection (it throws); a real peer's bytes to
// a closed connection just go nowhere, so the harness drops them itself.
void StringTransportHarness::peer_send(std::string_view data) {
  if (transport_.connected()) transport_.receive(data);
}

void StringTransportHarness::peer_half_close() {
  if (peer_sent_eof_ || !transport_.connected()) return;
  peer_sent_eof_ = true;
  transport_.receive_eof();
}

void StringTransportHarness::peer_close() { peer_half_close(); }

void StringTransportHarness::peer_reset() {
  if (!transport_.connected()) return;
  transport_.lose_from_peer(Failure(std::error_code(ECONNRESET, std::system_category()),
                                    "StringTransport: the peer reset the connection"));
}

void StringTransportHarness::peer_stop_reading() {
  peer_reading_ = false;
  transport_.hold_writes(true);
}

void StringTransportHarness::peer_resume_reading() {
  peer_reading_ = true;
  transport_.hold_writes(false);
}

ConformanceHarness::PeerEnd StringTransportHarness::peer_end() const {
  if (!peer_reading_) return PeerEnd::open;
  if (transport_.write_closed()) return PeerEnd::eof;
  const std::optional<Failure>& reason = transport_.lost_reason();
  if (!reason) return PeerEnd::open;
  if (transport_.aborted() || !reason->is(errc::connection_done)) return PeerEnd::reset;
  return PeerEnd::eof;
}

void StringTransportHarness::settle() { clock_.advance(Duration::zero()); }

bool StringTransportHarness::run_until(const std::function<bool()>& done) {
  settle();
  for (std::size_t step = 0; step < max_steps; ++step) {
    if (done()) return true;
    if (!clock_.advance_to_next()) break;
  }
  return done();
}

}  // namespace kit::testing
