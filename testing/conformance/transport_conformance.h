// Transport conformance: one suite of transport behaviour run against every transport of
// the kit ("verified fakes"), so that StringTransport and the loopback pair cannot drift
// from the live TCP and Unix transports protocols run on in production.
//
// TransportConformanceTest is a parameterized GoogleTest suite over a ConformanceHarness
// (conformance_harness.h). Each test makes one connection, runs a ContractCheckingProtocol
// (contract_checking_protocol.h) on its local side, plays the remote end through the harness,
// and checks the promises of kit/transport.h: the reason given to connection_lost for
// each way a connection ends; the order of callbacks and nothing after connection_lost;
// lose_connection() sending pending data first and abort_connection() not; half_close()
// and the peer's half close; peer() and host() inside connection_lost(); a registered
// producer paused, resumed and stopped; pause_reading() losing nothing. Every request the
// suite makes runs as reactor code (ConformanceHarness::call_in_reactor, or a protocol
// callback), where a real protocol's code runs.
//
// Adding a harness:
//   1. Implement ConformanceHarness for the transport; string_transport_harness.h is a
//      complete one. Each operation is the honest equivalent of what a real remote end
//      does. Where the transport cannot do exactly that, use the closest equivalent and
//      say why in a comment; never make an operation a no-op so that a test passes.
//   2. Instantiate the suite in a test file:
//        KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(MyTransport,
//                                              [] { return std::make_unique<MyHarness>(); });
//      built by kit_cc_test (kit_cc_live_test for real sockets) with a dependency on
//      //testing/conformance:transport_conformance.
//   3. A failing test means the transport breaks kit/transport.h, or the contract has to
//      say more: fix the transport or the contract, never the suite around a transport.
//
// Design of the harnesses still to be wired:
//
// Loopback (fakes/loopback.h). A LoopbackPair joins the suite's protocol (client side)
// and a scripted peer protocol owned by the harness (server side), with
// LoopbackOptions{.clock = &clock, .bytes_per_step = small} so flow control shows.
//   connect             build the pair (it delivers both connection_made() at once).
//   call_in_reactor     clock.call_later(0, fn) and advance(0): fn runs as a timer, and
//                       the pair completes what it asked at the next step.
//   peer_send           the scripted peer's transport write().
//   peer_half_close     its half_close(); peer_close its lose_connection(), which reaches
//                       the local side as connection_lost(connection_done).
//   peer_reset          its abort_connection(): the pair delivers errc::connection_lost to
//                       the local side, the in-memory form of a reset.
//   peer_stop_reading   its pause_reading(): the pair leaves bytes in the local side's
//                       write buffer, where the water marks see them; resume undoes it.
//   peer_received/end   what the scripted peer got in data_received(); eof from its
//                       read_connection_lost() or connection_lost(connection_done), reset
//                       from any other reason.
//   settle              pair.pump(); run_until: pair.step() until done() or a step that
//                       does nothing (the pair is deterministic: then it is a hang).
//
// Live (kit/live/live_reactor.h; a kit_cc_live_test, one instantiation per kind:
// tcp 127.0.0.1, tcp ::1, unix). The harness owns a LiveReactor and listens on
// tcp:0:interface=127.0.0.1 (or ::1, or unix:$TEST_TMPDIR/<name>.sock). The listening
// factory builds a relay protocol that forwards every callback to the suite's protocol
// (relay::connection_made calls suite.make_connection(*transport())): the live
// connection owns and destroys what its factory built, and the suite's protocol must
// outlive the connection. The peer is a raw non-blocking POSIX socket owned by the
// harness (testing/ does not include Asio), connected to the port's address, with a
// small SO_RCVBUF set before connecting so that a peer that stops reading fills up fast.
//   call_in_reactor     reactor.call_soon(fn), then run_until it ran.
//   peer_send           send() in full, servicing the reactor while the kernel is full.
//   peer_half_close     shutdown(SHUT_WR). peer_close: close(); data the local side
//                       sends afterwards is answered by a reset, as in life.
//   peer_reset          setsockopt(SO_LINGER, {l_onoff=1, l_linger=0}), then close(): RST.
//   peer_stop_reading   the harness stops reading the socket; resume starts it again.
//   peer_received/end   the bytes the harness read; recv() == 0 is eof, ECONNRESET reset.
//   run_until           reactor.run_until(done, bound of a few seconds), with the peer's
//                       socket serviced from a 1 ms repeating reactor timer so its
//                       reads are reactor events and `done` is checked after them.
//   settle              run until a call_soon marker has come round twice with nothing
//                       read by the peer and no protocol callback in between, bounded.
//                       Live settling is a best effort; the ContractCheckingProtocol still
//                       catches a late breach up to the end of the test.
// A second kit connection with a scripted peer protocol could play the peer instead and
// map every operation onto its transport, except peer_reset, which needs SO_LINGER 0 on
// the socket itself: hence the raw socket.
//
// Thread safety: the test's thread (and the harness's reactor, run on it).
#ifndef KIT_TESTING_CONFORMANCE_TRANSPORT_CONFORMANCE_H_
#define KIT_TESTING_CONFORMANCE_TRANSPORT_CONFORMANCE_H_

#include <gtest/gtest.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "testing/conformance/conformance_harness.h"
#include "testing/conformance/contract_checking_producer.h"
#include "testing/conformance/contract_checking_protocol.h"

namespace kit::testing {

// HarnessFactory: the parameter of the suite; `make` builds a fresh harness per test.
struct HarnessFactory {
  std::string name;
  std::function<std::unique_ptr<ConformanceHarness>()> make;
};

// PrintTo: GoogleTest prints the parameter by its name.
void PrintTo(const HarnessFactory& factory, std::ostream* out);

class TransportConformanceTest : public ::testing::TestWithParam<HarnessFactory> {
 protected:
  void SetUp() override;
  // TearDown ends a connection still open, then checks what the contract checkers caught.
  void TearDown() override;

  ConformanceHarness& harness() { return *harness_; }
  ContractCheckingProtocol& protocol() { return protocol_; }
  // producer: for flow-control tests; it outlives the connection, so a test that stops
  // early leaves nothing dangling in the transport.
  ContractCheckingProducer& producer() { return producer_; }

  // connect: connects the protocol and waits for connection_made().
  ::testing::AssertionResult connect();
  // act: runs `request` with the protocol as reactor code (see call_in_reactor).
  void act(const std::function<void(ContractCheckingProtocol&)>& request);
  // wait_for: lets the transport work until `done()`; on failure, says what was awaited
  // and what had happened.
  ::testing::AssertionResult wait_for(const std::function<bool()>& done, std::string_view what);
  // wait_for_lost: wait_for(connection_lost()).
  ::testing::AssertionResult wait_for_lost();
  // wait_for_lost_and_peer_end: connection_lost() and the peer at the end of its stream
  // (a live connection can be lost while the kernel still holds bytes for the peer).
  ::testing::AssertionResult wait_for_lost_and_peer_end();
  // resume_until_received: for a protocol that pauses in every data_received(), resumes
  // reading again and again until it has received `size` bytes; fails on no progress.
  void resume_until_received(std::size_t size);
  // fill_write_buffer: with the peer not reading, writes in one reactor callback until at
  // least `at_least` bytes wait in the transport's write buffer; returns what it wrote.
  std::string fill_write_buffer(std::size_t at_least = 1);
  // state: the protocol's history and the peer's view, for failure messages.
  std::string state() const;

 private:
  // Both outlive the harness: ConformanceHarness::connect asks it of the protocol, and a
  // registered producer must outlive its transport's use of it.
  ContractCheckingProducer producer_;
  ContractCheckingProtocol protocol_;
  std::unique_ptr<ConformanceHarness> harness_;
};

// test_name_of: GoogleTest's name for a suite parameter (the harness's name).
std::string test_name_of(const ::testing::TestParamInfo<HarnessFactory>& info);

}  // namespace kit::testing

// KIT_INSTANTIATE_TRANSPORT_CONFORMANCE: runs the whole suite against the harnesses that
// `factory` (a callable returning std::unique_ptr<ConformanceHarness>) makes. `Name`, an
// identifier, prefixes the tests: Name/TransportConformanceTest.LoseConnection.../Name.
// Use it at namespace scope; it opens kit::testing, where GoogleTest needs the fixture's
// unqualified name.
#define KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(Name, factory)                                   \
  namespace kit::testing {                                                                     \
  INSTANTIATE_TEST_SUITE_P(Name, TransportConformanceTest,                                     \
                           ::testing::Values(HarnessFactory{#Name, (factory)}), test_name_of); \
  }

#endif  // KIT_TESTING_CONFORMANCE_TRANSPORT_CONFORMANCE_H_
