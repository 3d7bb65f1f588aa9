// TlsLoopbackHarness: the transport conformance suite (testing/conformance) over TLS in
// memory. The suite's protocol sits on a client kit::tls::TlsWrapper; the peer is a
// scripted protocol on a server TlsWrapper; the two layers are joined by the fakes'
// loopback pair on a FakeClock, with certificates the harness generates (a CA it trusts
// and a server certificate for localhost).
//
// Every peer operation is what a TLS peer's application does, through its TLS layer:
//   peer_send            the server layer's write() (held until its handshake is done)
//   peer_half_close      its half_close(): close_notify, then the TCP half-close
//   peer_close           its lose_connection(): close_notify, then the close
//   peer_reset           abort_connection() of the loopback transport under the server
//                        layer: a reset below TLS, no close_notify
//   peer_stop_reading    runs the pair until the server's handshake is done (its TLS
//                        library answers a handshake whether the application reads or
//                        not), then the server layer's pause_reading(): ciphertext waits
//                        in the suite's side's transport, as in a full kernel buffer;
//                        peer_resume_reading() its resume_reading()
//   peer_received/end    the server's plaintext; eof from its read_connection_lost() (a
//                        close_notify) or connection_lost(connection_done), reset from any
//                        other reason (a truncation included)
// With `wait_for_handshake`, connect() also runs the pair until both handshakes are done,
// so the suite runs on an established session; without it, the suite's first requests
// meet a layer still shaking hands.
//
// Thread safety: the test's thread.
#ifndef KIT_TESTING_TLS_TLS_LOOPBACK_HARNESS_H_
#define KIT_TESTING_TLS_TLS_LOOPBACK_HARNESS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "fakes/fake_clock.h"
#include "fakes/loopback.h"
#include "kit/failure.h"
#include "kit/protocol.h"
#include "kit/tls/tls_context.h"
#include "kit/tls/tls_wrapper.h"
#include "testing/conformance/conformance_harness.h"

namespace kit::testing {

class TlsLoopbackHarness final : public ConformanceHarness {
 public:
  struct Options {
    std::uint64_t seed = 0;
    std::size_t max_chunk = 0;
    std::size_t bytes_per_step = 4096;
    tls::TlsVersion version = tls::TlsVersion::tls1_3;
    bool wait_for_handshake = false;
  };

  static constexpr std::size_t max_steps = 1'000'000;

  explicit TlsLoopbackHarness(Options options);
  TlsLoopbackHarness(const TlsLoopbackHarness&) = delete;
  TlsLoopbackHarness& operator=(const TlsLoopbackHarness&) = delete;
  ~TlsLoopbackHarness() override;

  // name: "TLSv1.3 over loopback seed 2, max_chunk 7, bytes_per_step 4096".
  std::string name() const override;
  void connect(Protocol& protocol) override;
  void call_in_reactor(unique_function<void()> fn) override;

  void peer_send(std::string_view data) override;
  void peer_half_close() override;
  void peer_close() override;
  void peer_reset() override;
  void peer_stop_reading() override;
  void peer_resume_reading() override;
  const std::string& peer_received() const override { return peer_->received; }
  PeerEnd peer_end() const override { return peer_->end; }

  void settle() override;
  bool run_until(const std::function<bool()>& done) override;

 private:
  class Peer final : public Protocol {
   public:
    void data_received(std::string_view data) override { received.append(data); }
    void read_connection_lost() override { end = PeerEnd::eof; }
    void connection_lost(const Failure& reason) override;

    std::string received;
    PeerEnd end = PeerEnd::open;
  };

  // The server layer while its connection is up (its requests are ignored after that).
  tls::TlsWrapper* server();

  Options options_;
  fakes::FakeClock clock_;
  Peer* peer_;  // owned by server_layer_
  std::unique_ptr<tls::TlsWrapper> server_layer_;
  std::unique_ptr<tls::TlsWrapper> client_layer_;
  std::optional<fakes::LoopbackPair> pair_;  // destroyed first: it holds both layers
};

}  // namespace kit::testing

#endif  // KIT_TESTING_TLS_TLS_LOOPBACK_HARNESS_H_
