// WrappedHarness: any harness's transport with layers between it and the suite's
// protocol, so the conformance suite checks what a stack of wrappers gives the protocol
// on top (kit/protocol_wrapper.h: a wrapper keeps every promise of its transport).
//
//   KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(LoopbackUnderThreeWrappers, [] {
//     return kit::testing::WrappedHarness::plain_layers(
//         3, std::make_unique<kit::testing::LoopbackHarness>());
//   });
//
// Each layer is made by a Wrap function, outermost first: it gets the protocol to wrap
// (the next layer, or a relay to the suite's protocol) and returns the layer, which owns
// it. Everything else is the inner harness's: the peer, settling, waiting.
//
// Thread safety: the inner harness's.
#ifndef KIT_TESTING_CONFORMANCE_WRAPPED_HARNESS_H_
#define KIT_TESTING_CONFORMANCE_WRAPPED_HARNESS_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kit/protocol.h"
#include "testing/conformance/conformance_harness.h"

namespace kit::testing {

class WrappedHarness final : public ConformanceHarness {
 public:
  using Wrap = std::function<std::unique_ptr<Protocol>(std::unique_ptr<Protocol> inner)>;

  // `layers`: outermost (nearest the transport) first.
  WrappedHarness(std::string name, std::unique_ptr<ConformanceHarness> inner,
                 std::vector<Wrap> layers);

  // plain_layers: `count` kit::ProtocolWrapper layers that change nothing, over `inner`.
  static std::unique_ptr<WrappedHarness> plain_layers(std::size_t count,
                                                      std::unique_ptr<ConformanceHarness> inner);

  std::string name() const override { return name_; }
  void connect(Protocol& protocol) override;
  void call_in_reactor(unique_function<void()> fn) override;
  void peer_send(std::string_view data) override { inner_->peer_send(data); }
  void peer_half_close() override { inner_->peer_half_close(); }
  void peer_close() override { inner_->peer_close(); }
  void peer_reset() override { inner_->peer_reset(); }
  void peer_stop_reading() override { inner_->peer_stop_reading(); }
  void peer_resume_reading() override { inner_->peer_resume_reading(); }
  const std::string& peer_received() const override { return inner_->peer_received(); }
  PeerEnd peer_end() const override { return inner_->peer_end(); }
  void settle() override { inner_->settle(); }
  bool run_until(const std::function<bool()>& done) override { return inner_->run_until(done); }

 private:
  std::string name_;
  std::vector<Wrap> layers_;
  // Destroyed after the inner harness, whose transport may call it to the end.
  std::unique_ptr<Protocol> stack_;
  std::unique_ptr<ConformanceHarness> inner_;
};

}  // namespace kit::testing

#endif  // KIT_TESTING_CONFORMANCE_WRAPPED_HARNESS_H_
