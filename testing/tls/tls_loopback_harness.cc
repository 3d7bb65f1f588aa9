#include "testing/tls/tls_loopback_harness.h"

#include <utility>

#include "kit/time.h"
#include "testing/conformance/loopback_steps.h"
#include "testing/conformance/relay_protocol.h"
#include "testing/tls/test_certificates.h"

namespace kit::testing {
namespace {

const TestCertificates::Files& files() { return TestCertificates::shared(); }

}  // namespace

void TlsLoopbackHarness::Peer::connection_lost(const Failure& reason) {
  end = reason.is(errc::connection_done) ? PeerEnd::eof : PeerEnd::reset;
}

TlsLoopbackHarness::TlsLoopbackHarness(Options options) : options_(options) {
  auto peer = std::make_unique<Peer>();
  peer_ = peer.get();
  server_layer_ = std::make_unique<tls::TlsWrapper>(
      std::move(peer),
      tls::TlsContext::server({.certificate_chain_file = files().server_certificate,
                               .private_key_file = files().leaf_key,
                               .min_version = options.version,
                               .max_version = options.version}));
}

TlsLoopbackHarness::~TlsLoopbackHarness() = default;

std::string TlsLoopbackHarness::name() const {
  return std::string(tls::to_string(options_.version)) +
         (options_.wait_for_handshake ? " established" : "") + " over loopback seed " +
         std::to_string(options_.seed) + ", max_chunk " + std::to_string(options_.max_chunk) +
         ", bytes_per_step " + std::to_string(options_.bytes_per_step);
}

void TlsLoopbackHarness::connect(Protocol& protocol) {
  client_layer_ =
      std::make_unique<tls::TlsWrapper>(std::make_unique<RelayProtocol>(protocol),
                                        tls::TlsContext::client({.ca_files = {files().ca},
                                                                 .min_version = options_.version,
                                                                 .max_version = options_.version}),
                                        "localhost");
  pair_.emplace(*client_layer_, *server_layer_,
                fakes::LoopbackOptions{.seed = options_.seed,
                                       .max_chunk = options_.max_chunk,
                                       .bytes_per_step = options_.bytes_per_step,
                                       .max_rounds = max_steps,
                                       .client_address = Address::memory("suite"),
                                       .server_address = Address::memory("peer"),
                                       .clock = &clock_});
  if (options_.wait_for_handshake) {
    run_until(
        [this] { return client_layer_->handshake_done() && server_layer_->handshake_done(); });
  }
}

void TlsLoopbackHarness::call_in_reactor(unique_function<void()> fn) {
  clock_.call_later(Duration::zero(), std::move(fn)).detach();
  clock_.advance(Duration::zero());
}

tls::TlsWrapper* TlsLoopbackHarness::server() {
  if (!pair_ || !pair_->server_transport().connected()) return nullptr;
  return server_layer_.get();
}

void TlsLoopbackHarness::peer_send(std::string_view data) {
  if (tls::TlsWrapper* layer = server()) layer->write(data);
}

void TlsLoopbackHarness::peer_half_close() {
  if (tls::TlsWrapper* layer = server()) layer->half_close();
}

void TlsLoopbackHarness::peer_close() {
  if (tls::TlsWrapper* layer = server()) layer->lose_connection();
}

void TlsLoopbackHarness::peer_reset() {
  if (pair_) pair_->server_transport().abort_connection();
}

// A TLS application that stops reading still has its TLS library finish the handshake;
// only then does the pause reach the transport below and let ciphertext pile up at the
// suite's side. So the handshake is run to its end first: otherwise the peer's layer would
// take in the client's first records with its Finished and hold them itself, and the suite
// would see its write buffer drain into a peer that reads nothing.
void TlsLoopbackHarness::peer_stop_reading() {
  if (!server()) return;
  run_until(
      [this] { return server_layer_->handshake_done() || !pair_->server_transport().connected(); });
  if (tls::TlsWrapper* layer = server()) layer->pause_reading();
}

void TlsLoopbackHarness::peer_resume_reading() {
  if (tls::TlsWrapper* layer = server()) layer->resume_reading();
}

void TlsLoopbackHarness::settle() { settle_loopback(pair_ ? &*pair_ : nullptr, clock_); }

bool TlsLoopbackHarness::run_until(const std::function<bool()>& done) {
  return run_loopback_until(pair_ ? &*pair_ : nullptr, clock_, done, max_steps);
}

}  // namespace kit::testing
