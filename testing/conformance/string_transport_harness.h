// StringTransportHarness: the transport conformance suite's harness for
// fakes::StringTransport, on a FakeClock.
//
// The peer's operations are StringTransport's driving calls, run from the test's frame
// the way a reactor delivers events; the suite's requests run inside FakeClock calls,
// which is where StringTransport treats them as a protocol's own (it completes a close
// right after the call returns, as a reactor would). The transport is also given the
// harness's clock, so a request made anywhere else completes on the next advance, never
// inside the request. Where StringTransport has no exact
// equivalent of what a remote end does, the closest honest one stands in:
//   - peer_close() is receive_eof(): a transport sees a clean close only as the peer's
//     FIN, the same as a half close. What StringTransport does not model is the reset a
//     fully closed peer answers later writes with.
//   - peer_reset() is lose_from_peer() with ECONNRESET in the system category, the error
//     a live socket's read reports when the peer resets.
//   - peer_stop_reading() is hold_writes(true): writes wait in write_buffer_size(), as
//     they do in a live transport once the kernel's buffers are full;
//     peer_resume_reading() delivers them all, as a fast reader would.
//   - peer_end() is eof once half_close() or a clean close has completed (it waits for
//     held writes), reset after abort_connection() or a broken connection, and open while
//     the peer is not reading.
//
// Thread safety: the test's thread.
#ifndef KIT_TESTING_CONFORMANCE_STRING_TRANSPORT_HARNESS_H_
#define KIT_TESTING_CONFORMANCE_STRING_TRANSPORT_HARNESS_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "fakes/fake_clock.h"
#include "fakes/string_transport.h"
#include "kit/protocol.h"
#include "testing/conformance/conformance_harness.h"

namespace kit::testing {

class StringTransportHarness final : public ConformanceHarness {
 public:
  // How many pending FakeClock calls run_until() runs before giving up; StringTransport
  // only schedules zero-delay ones, so reaching it means something keeps rescheduling.
  static constexpr std::size_t max_steps = 10'000;

  StringTransportHarness();
  StringTransportHarness(const StringTransportHarness&) = delete;
  StringTransportHarness& operator=(const StringTransportHarness&) = delete;

  std::string name() const override { return "StringTransport"; }
  void connect(Protocol& protocol) override;
  void call_in_reactor(unique_function<void()> fn) override;

  void peer_send(std::string_view data) override;
  void peer_half_close() override;
  void peer_close() override;
  void peer_reset() override;
  void peer_stop_reading() override;
  void peer_resume_reading() override;
  const std::string& peer_received() const override { return transport_.value(); }
  PeerEnd peer_end() const override;

  void settle() override;
  bool run_until(const std::function<bool()>& done) override;

 private:
  fakes::FakeClock clock_;  // outlives transport_, which schedules on it
  fakes::StringTransport transport_;
  bool peer_reading_ = true;
  bool peer_sent_eof_ = false;
};

}  // namespace kit::testing

#endif  // KIT_TESTING_CONFORMANCE_STRING_TRANSPORT_HARNESS_H_
