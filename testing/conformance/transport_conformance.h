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
// The harnesses, each documenting how it plays the remote end:
//   string_transport_harness.h   fakes::StringTransport
//   loopback_harness.h           fakes::LoopbackPair on a FakeClock, under several seeds
//   wrapped_harness.h            any harness with a stack of kit::ProtocolWrappers between
//                                the transport and the suite's protocol
//   testing/live/live_harness.h  the live reactor: TCP on 127.0.0.1 and ::1, Unix sockets
//   testing/tls/tls_loopback_harness.h  a client kit::tls::TlsWrapper, a TLS server layer
//                                as the peer, over the loopback pair
//   testing/tls/tls_live_harness.h  a server TlsWrapper on a live connection, a TLS client
//                                layer on a live connection as the peer
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
