// LoopbackHarness: the transport conformance suite's harness for fakes::LoopbackPair, on a
// FakeClock.
//
// The suite's protocol is the pair's client side; the server side is a scripted peer
// protocol the harness owns, and every peer operation is a request of that protocol to
// its own LoopbackTransport, so the suite's transport meets nothing but the other half of
// the pair:
//   peer_send            the peer's write()
//   peer_half_close      its half_close(); it goes on reading
//   peer_close           its lose_connection(): once its buffer has drained the local side
//                        hears connection_lost(connection_done)
//   peer_reset           its abort_connection(): the local side hears errc::connection_lost,
//                        the in-memory form of a reset
//   peer_stop_reading    its pause_reading(): the pair leaves bytes in the local side's
//                        write buffer, where the water marks see them, as a full kernel
//                        buffer would; peer_resume_reading() its resume_reading()
//   peer_received/end    what the peer got in data_received(); eof from its
//                        read_connection_lost() or connection_lost(connection_done),
//                        reset from any other reason
// The suite's requests run as FakeClock calls (call_later(0), advance(0)); the pair is
// given the clock, so a step runs what falls due and completes the requests afterwards.
// settle() is pump(); run_until() steps until done() or a step that does nothing (the pair
// is deterministic, so that is a hang, not slowness).
//
// Bytes move `bytes_per_step` at a time, small by default so that the water marks see the
// write buffer drain, and arrive re-chunked from `seed`: the suite is instantiated under
// several seeds so that no chunking hides a bug. name() carries the seed, so a failure
// message says how to reproduce it.
//
// Thread safety: the test's thread.
#ifndef KIT_TESTING_CONFORMANCE_LOOPBACK_HARNESS_H_
#define KIT_TESTING_CONFORMANCE_LOOPBACK_HARNESS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "fakes/fake_clock.h"
#include "fakes/loopback.h"
#include "kit/failure.h"
#include "kit/protocol.h"
#include "testing/conformance/conformance_harness.h"

namespace kit::testing {

class LoopbackHarness final : public ConformanceHarness {
 public:
  struct Options {
    // Re-chunking, as in fakes::LoopbackOptions: pieces of 1..max_chunk bytes drawn from
    // `seed`; 0 delivers each step's bytes in one piece.
    std::uint64_t seed = 0;
    std::size_t max_chunk = 0;
    // How many bytes one step moves each way (0: everything buffered).
    std::size_t bytes_per_step = 4096;
  };

  // How many steps run_until() takes before giving up. The suite's longest wait moves
  // 256 KiB; a pair still busy after this many steps answers itself forever.
  static constexpr std::size_t max_steps = 1'000'000;

  explicit LoopbackHarness(Options options);
  LoopbackHarness(const LoopbackHarness&) = delete;
  LoopbackHarness& operator=(const LoopbackHarness&) = delete;

  // name: "loopback seed 7, max_chunk 5, bytes_per_step 4096".
  std::string name() const override;
  void connect(Protocol& protocol) override;
  void call_in_reactor(unique_function<void()> fn) override;

  void peer_send(std::string_view data) override;
  void peer_half_close() override;
  void peer_close() override;
  void peer_reset() override;
  void peer_stop_reading() override;
  void peer_resume_reading() override;
  const std::string& peer_received() const override { return peer_.received; }
  PeerEnd peer_end() const override { return peer_.end; }

  void settle() override;
  bool run_until(const std::function<bool()>& done) override;

 private:
  // The remote end: it records what it reads and does nothing of its own accord, so its
  // half of the connection closes only when the suite says.
  class Peer final : public Protocol {
   public:
    void data_received(std::string_view data) override { received.append(data); }
    // Keeps its sending direction open: the suite half-closes the peer itself.
    void read_connection_lost() override { end = PeerEnd::eof; }
    void connection_lost(const Failure& reason) override;

    std::string received;
    PeerEnd end = PeerEnd::open;
  };

  // peer_transport: the peer's side of the pair, or nullptr before connect().
  fakes::LoopbackTransport* peer_transport();

  Options options_;
  fakes::FakeClock clock_;  // outlives pair_, which runs it
  Peer peer_;               // outlives pair_, which holds it
  std::optional<fakes::LoopbackPair> pair_;
};

}  // namespace kit::testing

#endif  // KIT_TESTING_CONFORMANCE_LOOPBACK_HARNESS_H_
