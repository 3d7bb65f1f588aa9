#include "testing/tls/tls_live_harness.h"

#include <utility>

#include "testing/conformance/relay_protocol.h"
#include "testing/tls/test_certificates.h"

namespace kit::testing {

// The peer's application: what it reads and how its stream ends go to the harness, which
// outlives it (the live connection destroys it right after connection_lost()).
class TlsLiveHarness::Peer final : public Protocol {
 public:
  explicit Peer(TlsLiveHarness& harness) : harness_(harness) {}

  void data_received(std::string_view data) override { harness_.received_.append(data); }
  void read_connection_lost() override { harness_.end_ = PeerEnd::eof; }
  void connection_lost(const Failure& reason) override {
    harness_.end_ = reason.is(errc::connection_done) ? PeerEnd::eof : PeerEnd::reset;
    harness_.peer_layer_ = nullptr;
  }

 private:
  TlsLiveHarness& harness_;
};

// Relays every callback to the suite's protocol, counting them, and forgets the suite's
// layer when the connection ends (the live connection destroys the layer then).
class TlsLiveHarness::SuiteRelay final : public Protocol {
 public:
  SuiteRelay(TlsLiveHarness& harness, Protocol& target)
      : harness_(harness), relay_(target, &harness.relayed_) {}

  void connection_made() override { relay_.make_connection(*transport()); }
  void data_received(std::string_view data) override { relay_.data_received(data); }
  void read_connection_lost() override { relay_.read_connection_lost(); }
  void connection_lost(const Failure& reason) override {
    harness_.suite_layer_ = nullptr;
    relay_.connection_lost(reason);
  }
  void stop_requested() override { relay_.stop_requested(); }

 private:
  TlsLiveHarness& harness_;
  RelayProtocol relay_;
};

TlsLiveHarness::TlsLiveHarness(tls::TlsVersion version)
    : version_(version),
      server_factory_([this](const Address&) -> std::unique_ptr<Protocol> {
        if (protocol_ == nullptr) return nullptr;
        const TestCertificates::Files& files = TestCertificates::shared();
        auto layer = std::make_unique<tls::TlsWrapper>(
            std::make_unique<SuiteRelay>(*this, *std::exchange(protocol_, nullptr)),
            tls::TlsContext::server({.certificate_chain_file = files.server_certificate,
                                     .private_key_file = files.leaf_key,
                                     .min_version = version_,
                                     .max_version = version_}));
        suite_layer_ = layer.get();
        return layer;
      }),
      client_factory_([this](const Address&) -> std::unique_ptr<Protocol> {
        auto layer = std::make_unique<tls::TlsWrapper>(
            std::make_unique<Peer>(*this),
            tls::TlsContext::client({.ca_files = {TestCertificates::shared().ca},
                                     .insecure = false,
                                     .min_version = version_,
                                     .max_version = version_}),
            "localhost");
        peer_layer_ = layer.get();
        return layer;
      }) {}

TlsLiveHarness::~TlsLiveHarness() {
  if (peer_layer_ != nullptr) peer_layer_->lower().abort_connection();
  port_.reset();
}

std::string TlsLiveHarness::name() const {
  return std::string(tls::to_string(version_)) + " over live tcp 127.0.0.1";
}

void TlsLiveHarness::connect(Protocol& protocol) {
  protocol_ = &protocol;
  port_ = reactor_.listen("tcp:0:interface=127.0.0.1", server_factory_);
  connector_ =
      reactor_.connect("tcp:127.0.0.1:" + std::to_string(port_->address().port()), client_factory_);
  reactor_.run_until([this] { return peer_layer_ != nullptr; }, bound);
}

void TlsLiveHarness::call_in_reactor(unique_function<void()> fn) {
  bool ran = false;
  reactor_.call_soon([&ran, fn = std::move(fn)]() mutable {
    ran = true;
    fn();
  });
  reactor_.run_until([&] { return ran; }, bound);
}

void TlsLiveHarness::peer_send(std::string_view data) {
  if (peer_layer_ != nullptr) peer_layer_->write(data);
}

void TlsLiveHarness::peer_half_close() {
  if (peer_layer_ != nullptr) peer_layer_->half_close();
}

void TlsLiveHarness::peer_close() {
  if (peer_layer_ != nullptr) peer_layer_->lose_connection();
}

void TlsLiveHarness::peer_reset() {
  if (peer_layer_ != nullptr) peer_layer_->lower().abort_connection();
}

// As in the loopback harness: the peer's TLS library finishes the handshake whether its
// application reads or not; only then is its socket left unread. The suite's side may
// finish last (TLS 1.3: on the peer's Finished, already on its way), so both are awaited.
void TlsLiveHarness::peer_stop_reading() {
  reactor_.run_until(
      [this] {
        return peer_layer_ == nullptr || suite_layer_ == nullptr ||
               (peer_layer_->handshake_done() && suite_layer_->handshake_done());
      },
      bound);
  if (peer_layer_ != nullptr) peer_layer_->pause_reading();
}

void TlsLiveHarness::peer_resume_reading() {
  if (peer_layer_ != nullptr) peer_layer_->resume_reading();
}

void TlsLiveHarness::settle() {
  constexpr int quiet_rounds = 3;
  constexpr int max_rounds = 200;
  int quiet = 0;
  for (int round = 0; quiet < quiet_rounds && round < max_rounds; ++round) {
    const std::size_t relayed = relayed_;
    const std::size_t read = received_.size();
    bool marker = false;
    reactor_.call_soon([&marker] { marker = true; });
    reactor_.run_until([&marker] { return marker; }, bound);
    quiet = relayed == relayed_ && read == received_.size() ? quiet + 1 : 0;
  }
}

bool TlsLiveHarness::run_until(const std::function<bool()>& done) {
  return reactor_.run_until(done, bound);
}

}  // namespace kit::testing
