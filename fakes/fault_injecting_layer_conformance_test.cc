// The transport conformance suite (testing/conformance) against what a FaultInjectingLayer
// gives the protocol above it: injecting nothing, and splitting writes into pieces (a
// fault every transport must take in its stride), over a StringTransport and the loopback
// pair. Faults that end a connection break promises on purpose and are tested in
// fault_injecting_layer_test.cc. Delays run under DelayingHarness, which lets the
// delays elapse whenever the suite lets the transport work.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakes/fake_clock.h"
#include "fakes/fault_injecting_layer.h"
#include "testing/conformance/loopback_harness.h"
#include "testing/conformance/string_transport_harness.h"
#include "testing/conformance/transport_conformance.h"
#include "testing/conformance/wrapped_harness.h"

namespace kit::fakes {
namespace {

std::unique_ptr<testing::ConformanceHarness> under_fault_layer(
    std::string name, std::unique_ptr<testing::ConformanceHarness> inner, FaultPlan plan) {
  std::vector<testing::WrappedHarness::Wrap> layers = {[plan](std::unique_ptr<Protocol> protocol) {
    return std::make_unique<FaultInjectingLayer>(std::move(protocol), plan);
  }};
  return std::make_unique<testing::WrappedHarness>(std::move(name), std::move(inner),
                                                   std::move(layers));
}

// DelayingHarness: a harness whose transport sits under a FaultInjectingLayer that delays
// writes. The layer's delays run on its connection's clock, which the inner harness does
// not necessarily advance (a StringTransport's own context); so whenever the suite lets
// the transport work (settle, run_until), this harness also moves that clock on to each
// next deadline, as a slow link would deliver in the end.
class DelayingHarness final : public testing::ConformanceHarness {
 public:
  DelayingHarness(std::string name, std::unique_ptr<testing::ConformanceHarness> inner,
                  FaultPlan plan)
      : slot_(std::make_shared<FaultInjectingLayer*>(nullptr)) {
    std::vector<testing::WrappedHarness::Wrap> layers = {
        [plan, slot = slot_](std::unique_ptr<Protocol> protocol) {
          auto layer = std::make_unique<FaultInjectingLayer>(std::move(protocol), plan);
          *slot = layer.get();
          return layer;
        }};
    inner_ = std::make_unique<testing::WrappedHarness>(std::move(name), std::move(inner),
                                                       std::move(layers));
  }

  std::string name() const override { return inner_->name(); }
  void connect(Protocol& protocol) override { inner_->connect(protocol); }
  void call_in_reactor(unique_function<void()> fn) override {
    inner_->call_in_reactor(std::move(fn));
  }
  void peer_send(std::string_view data) override { inner_->peer_send(data); }
  void peer_half_close() override { inner_->peer_half_close(); }
  void peer_close() override { inner_->peer_close(); }
  void peer_reset() override { inner_->peer_reset(); }
  void peer_stop_reading() override { inner_->peer_stop_reading(); }
  void peer_resume_reading() override { inner_->peer_resume_reading(); }
  const std::string& peer_received() const override { return inner_->peer_received(); }
  PeerEnd peer_end() const override { return inner_->peer_end(); }

  void settle() override {
    inner_->settle();
    for (std::size_t i = 0; i < max_delays && advance_delays(); ++i) inner_->settle();
  }
  bool run_until(const std::function<bool()>& done) override {
    for (std::size_t i = 0; i < max_delays; ++i) {
      if (inner_->run_until(done)) return true;
      if (!advance_delays()) break;
    }
    return done();
  }

 private:
  static constexpr std::size_t max_delays = 1'000'000;

  // advance_delays: moves the layer's clock to its next deadline; false if none.
  bool advance_delays() {
    FaultInjectingLayer* layer = *slot_;
    if (layer == nullptr || layer->transport() == nullptr) return false;
    auto* clock = dynamic_cast<FakeClock*>(&layer->context().clock());
    return clock != nullptr && clock->advance_to_next();
  }

  std::shared_ptr<FaultInjectingLayer*> slot_;
  std::unique_ptr<testing::WrappedHarness> inner_;
};

std::unique_ptr<testing::ConformanceHarness> string_transport() {
  return std::make_unique<testing::StringTransportHarness>();
}

std::unique_ptr<testing::ConformanceHarness> loopback() {
  return std::make_unique<testing::LoopbackHarness>(
      testing::LoopbackHarness::Options{.seed = 5, .max_chunk = 6});
}

}  // namespace
}  // namespace kit::fakes

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(FaultLayerInjectingNothingOverStringTransport, [] {
  return kit::fakes::under_fault_layer("FaultInjectingLayer (nothing) over StringTransport",
                                       kit::fakes::string_transport(), {});
});

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(FaultLayerInjectingNothingOverLoopback, [] {
  return kit::fakes::under_fault_layer("FaultInjectingLayer (nothing) over loopback",
                                       kit::fakes::loopback(), {});
});

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(FaultLayerSplittingWritesOverStringTransport, [] {
  return kit::fakes::under_fault_layer("FaultInjectingLayer (pieces 1, 3) over StringTransport",
                                       kit::fakes::string_transport(), {.piece_sizes = {1, 3}});
});

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(FaultLayerSplittingWritesSeed8OverLoopback, [] {
  return kit::fakes::under_fault_layer("FaultInjectingLayer (seed 8, max_piece 5) over loopback",
                                       kit::fakes::loopback(), {.max_piece = 5, .seed = 8});
});

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(FaultLayerDelayingWritesOverStringTransport, [] {
  return std::make_unique<kit::fakes::DelayingHarness>(
      "FaultInjectingLayer (pieces of 3, 1ms apart) over StringTransport",
      kit::fakes::string_transport(),
      kit::fakes::FaultPlan{.piece_sizes = {3}, .delay = std::chrono::milliseconds(1)});
});

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(FaultLayerDelayingWritesOverLoopback, [] {
  return std::make_unique<kit::fakes::DelayingHarness>(
      "FaultInjectingLayer (seed 2, max_piece 16, 1ms apart) over loopback", kit::fakes::loopback(),
      kit::fakes::FaultPlan{.max_piece = 16, .seed = 2, .delay = std::chrono::milliseconds(1)});
});
