// LiveHarness: the transport conformance suite's harness (testing/conformance/) for the
// live reactor's transports, over TCP on 127.0.0.1 or ::1, or a Unix socket.
//
// The harness owns a LiveReactor listening on a fresh port; each accepted connection runs
// a relay protocol that forwards every callback to the suite's protocol (the connection
// owns and destroys what its factory built; the suite's protocol outlives it). The peer is
// a plain non-blocking POSIX socket with a small receive buffer, so a peer that stops
// reading fills up fast; what it does is what a remote end does:
//   peer_send           send() in full, running the reactor while the kernel is full
//   peer_half_close     shutdown(SHUT_WR)
//   peer_close          close(), after reading what has arrived (so the close is a FIN)
//   peer_reset          SO_LINGER {1, 0}, then close(): a reset (Unix sockets have none;
//                       see live_harness.cc)
//   peer_stop_reading   the peer's socket is left unread until peer_resume_reading()
//   peer_received/end   what the peer read; recv() == 0 is eof, ECONNRESET a reset
// The peer's socket is read from a 1 ms repeating reactor timer, so its reads are reactor
// events, and also right before run_until() checks its condition, as a peer that reads
// all the time would. settle() runs the reactor until
// a call_soon() marker has come round three times in a row with no relayed callback and
// nothing read by the peer (bounded): a best effort, as settling a live system is.
//
// Thread safety: the test's thread, which also runs the reactor.
#ifndef KIT_TESTING_LIVE_LIVE_HARNESS_H_
#define KIT_TESTING_LIVE_LIVE_HARNESS_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kit/address.h"
#include "kit/delayed_call.h"
#include "kit/factory.h"
#include "kit/listening_port.h"
#include "kit/live/live_reactor.h"
#include "kit/protocol.h"
#include "testing/conformance/conformance_harness.h"
#include "testing/live/socket_directory.h"

namespace kit::testing {

class LiveHarness final : public ConformanceHarness {
 public:
  // How long run_until() and the waits inside the peer's operations may take.
  static constexpr Duration bound = std::chrono::seconds(10);

  // `family`: ipv4 (TCP on 127.0.0.1), ipv6 (TCP on ::1) or unix_domain (a Unix stream
  // socket in a fresh directory).
  explicit LiveHarness(Address::Family family);
  ~LiveHarness() override;
  LiveHarness(const LiveHarness&) = delete;
  LiveHarness& operator=(const LiveHarness&) = delete;

  std::string name() const override;
  void connect(Protocol& protocol) override;
  void call_in_reactor(unique_function<void()> fn) override;

  void peer_send(std::string_view data) override;
  void peer_half_close() override;
  void peer_close() override;
  void peer_reset() override;
  void peer_stop_reading() override;
  void peer_resume_reading() override;
  const std::string& peer_received() const override { return received_; }
  PeerEnd peer_end() const override { return end_; }

  void settle() override;
  bool run_until(const std::function<bool()>& done) override;

 private:
  class Relay;

  // Reads what the peer's socket holds (unless the peer stopped reading).
  void service_peer();
  void close_peer() noexcept;

  Address::Family family_;
  std::optional<SocketDirectory> socket_dir_;  // Unix sockets only
  Protocol* protocol_ = nullptr;
  std::size_t relayed_ = 0;  // callbacks relayed to the suite's protocol
  // The factory outlives the reactor, which may deliver its connection's last callbacks.
  FunctionFactory factory_;
  live::LiveReactor reactor_;
  std::unique_ptr<ListeningPort> port_;
  DelayedCall service_;
  int peer_ = -1;
  bool peer_reading_ = true;
  std::string received_;
  PeerEnd end_ = PeerEnd::open;
};

}  // namespace kit::testing

#endif  // KIT_TESTING_LIVE_LIVE_HARNESS_H_
