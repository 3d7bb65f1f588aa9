// TlsLiveHarness: the transport conformance suite over TLS on live sockets. The suite's
// protocol sits on a server kit::tls::TlsWrapper on a connection the live reactor accepted
// on 127.0.0.1; the peer is a scripted protocol on a client TlsWrapper over a connection
// the same reactor made to it, verifying the server against the harness's own CA
// (testing/tls/test_certificates.h). So every byte between the two crosses the kernel as
// TLS records.
//
// The peer's operations are its application's, through its TLS layer, as in
// tls_loopback_harness.h: peer_send its write(), peer_half_close its half_close()
// (close_notify, then FIN), peer_close its lose_connection(), peer_reset an abort of its
// socket transport below TLS (an RST, no close_notify), peer_stop_reading its
// pause_reading() once both handshakes are done (then its socket goes unread and the
// kernel fills; the suite's side finishes a TLS 1.3 handshake last, on the peer's Finished
// already on its way), peer_received and peer_end what its application read and how the stream
// ended (eof for a close_notify or a clean end, reset for anything else, a truncation included).
// connect() runs the reactor until the peer's connection is up, so that peer_send() has
// somewhere to go. settle() runs the reactor until a call_soon() marker has come round
// three times in a row with nothing relayed to the suite's protocol and nothing read by
// the peer (bounded), the best effort of testing/live/live_harness.h.
//
// Thread safety: the test's thread, which also runs the reactor.
#ifndef KIT_TESTING_TLS_TLS_LIVE_HARNESS_H_
#define KIT_TESTING_TLS_TLS_LIVE_HARNESS_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "kit/client_factory.h"
#include "kit/connector.h"
#include "kit/factory.h"
#include "kit/listening_port.h"
#include "kit/live/live_reactor.h"
#include "kit/protocol.h"
#include "kit/time.h"
#include "kit/tls/tls_context.h"
#include "kit/tls/tls_wrapper.h"
#include "testing/conformance/conformance_harness.h"

namespace kit::testing {

class TlsLiveHarness final : public ConformanceHarness {
 public:
  static constexpr Duration bound = std::chrono::seconds(10);

  explicit TlsLiveHarness(tls::TlsVersion version = tls::TlsVersion::tls1_3);
  ~TlsLiveHarness() override;
  TlsLiveHarness(const TlsLiveHarness&) = delete;
  TlsLiveHarness& operator=(const TlsLiveHarness&) = delete;

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
  class Peer;
  class SuiteRelay;

  tls::TlsVersion version_;
  Protocol* protocol_ = nullptr;  // the suite's, until the server accepts
  std::size_t relayed_ = 0;
  tls::TlsWrapper* peer_layer_ = nullptr;   // while the peer's connection is up
  tls::TlsWrapper* suite_layer_ = nullptr;  // while the suite's connection is up
  std::string received_;
  PeerEnd end_ = PeerEnd::open;
  // Both factories outlive the reactor, which may deliver their connections' last calls.
  FunctionFactory server_factory_;
  FunctionClientFactory client_factory_;
  live::LiveReactor reactor_;
  std::unique_ptr<ListeningPort> port_;
  std::shared_ptr<Connector> connector_;
};

}  // namespace kit::testing

#endif  // KIT_TESTING_TLS_TLS_LIVE_HARNESS_H_
