// ConformanceHarness: one kind of transport, as the transport conformance suite drives it.
//
// The suite (transport_conformance.h) checks the promises of kit/transport.h the same way
// on every transport of the kit. A harness gives it one connection: the local side runs
// the suite's protocol on the transport under test, and the remote side, the peer, is
// played by the harness on the suite's command. The operations are the ones a real
// remote end has (send, half-close, close, reset, stop reading), plus ways to let the
// transport deliver its events, so each harness implements them with real sockets, an
// in-memory pump or a fake's driving calls, whichever its transport is made of.
//
// Thread safety: the thread that runs the test (and the harness's reactor, if any).
#ifndef KIT_TESTING_CONFORMANCE_CONFORMANCE_HARNESS_H_
#define KIT_TESTING_CONFORMANCE_CONFORMANCE_HARNESS_H_

#include <functional>
#include <string>
#include <string_view>

#include "kit/protocol.h"
#include "kit/unique_function.h"

namespace kit::testing {

class ConformanceHarness {
 public:
  // What the peer has seen of the end of the stream, by reading: nothing yet, a clean end
  // of stream (FIN), or an abortive end (reset, or a fake's abort).
  enum class PeerEnd { open, eof, reset };

  virtual ~ConformanceHarness() = default;

  // name: the transport, as failure messages name it ("StringTransport", "live tcp ::1").
  virtual std::string name() const = 0;

  // connect: makes the one connection of this harness; its local side runs `protocol`,
  // which outlives the harness. connection_made() may come at once or during a later
  // settle() or run_until(). The peer may send right after connect() returns.
  virtual void connect(Protocol& protocol) = 0;

  // call_in_reactor: runs `fn` once as reactor code, the way a timer or any reactor
  // callback runs, and returns once it has run. The suite makes its requests to the
  // transport from here or from inside the protocol's callbacks, never from the test's
  // own frame, because that is where a real protocol's code runs (a fake may complete a
  // request at once when a test makes it outside any callback).
  virtual void call_in_reactor(unique_function<void()> fn) = 0;

  // ---- the peer. After the connection is gone these do nothing; the suite never sends
  // after its own peer_half_close(), peer_close() or peer_reset().

  // peer_send: the peer writes `data`.
  virtual void peer_send(std::string_view data) = 0;
  // peer_half_close: the peer shuts down its sending direction (FIN) and goes on reading.
  virtual void peer_half_close() = 0;
  // peer_close: the peer closes cleanly (FIN) and reads no more.
  virtual void peer_close() = 0;
  // peer_reset: the peer closes abortively (RST: SO_LINGER 0 then close on a socket).
  virtual void peer_reset() = 0;
  // peer_stop_reading / peer_resume_reading: the peer stops and restarts reading, so what
  // the local side writes piles up in its transport's write buffer.
  virtual void peer_stop_reading() = 0;
  virtual void peer_resume_reading() = 0;
  // peer_received: every byte the peer has read so far, in order.
  virtual const std::string& peer_received() const = 0;
  // peer_end: how the stream ended, as far as the peer has read.
  virtual PeerEnd peer_end() const = 0;

  // ---- letting the transport work

  // settle: lets the transport deliver what it can without anything more happening
  // (a fake runs what is due; a live reactor runs until idle, within a bound). The suite
  // settles before checking that something did NOT happen.
  virtual void settle() = 0;
  // run_until: lets the transport work until `done()` is true, within the harness's own
  // bound (steps or time). Returns done().
  virtual bool run_until(const std::function<bool()>& done) = 0;
};

// to_string: "open", "eof", "reset".
std::string_view to_string(ConformanceHarness::PeerEnd end) noexcept;

}  // namespace kit::testing

#endif  // KIT_TESTING_CONFORMANCE_CONFORMANCE_HARNESS_H_
