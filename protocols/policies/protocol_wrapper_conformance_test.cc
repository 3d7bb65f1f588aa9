// The transport conformance suite (testing/conformance) against the transport each policy
// of this package gives the protocol it wraps, over a StringTransport and under the
// loopback pair: a policy is a kit::ProtocolWrapper and must keep every promise of
// kit/transport.h that the transport under it keeps.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fakes/fake_clock.h"
#include "kit/factory.h"
#include "kit/wrapping_factory.h"
#include "protocols/policies/connection_limit_factory.h"
#include "protocols/policies/idle_timeout_factory.h"
#include "testing/conformance/loopback_harness.h"
#include "testing/conformance/string_transport_harness.h"
#include "testing/conformance/transport_conformance.h"
#include "testing/conformance/wrapped_harness.h"

namespace kit::protocols {
namespace {

// The layer a wrapping factory puts around one protocol: the protocol is handed to the
// factory's inner factory, which gives it back to be wrapped.
class PolicyLayer {
 public:
  using MakeFactory = std::function<std::unique_ptr<WrappingFactory>(Factory& inner)>;

  explicit PolicyLayer(const MakeFactory& make)
      : inner_([this](const Address&) { return std::move(next_); }), factory_(make(inner_)) {}

  std::unique_ptr<Protocol> wrap(std::unique_ptr<Protocol> protocol) {
    next_ = std::move(protocol);
    return factory_->build_protocol(Address::tcp("192.0.2.1", 1));
  }

 private:
  std::unique_ptr<Protocol> next_;
  FunctionFactory inner_;
  std::unique_ptr<WrappingFactory> factory_;
};

std::unique_ptr<testing::ConformanceHarness> policy_over(
    std::string name, std::unique_ptr<testing::ConformanceHarness> inner,
    const PolicyLayer::MakeFactory& make) {
  // The factory outlives every connection the harness makes (shared by the Wrap).
  auto layer = std::make_shared<PolicyLayer>(make);
  std::vector<testing::WrappedHarness::Wrap> layers = {
      [layer](std::unique_ptr<Protocol> protocol) { return layer->wrap(std::move(protocol)); }};
  return std::make_unique<testing::WrappedHarness>(std::move(name), std::move(inner),
                                                   std::move(layers));
}

std::unique_ptr<WrappingFactory> plain(Factory& inner) {
  return std::make_unique<WrappingFactory>(inner);
}

// The suite's connections are never idle for an hour.
std::unique_ptr<WrappingFactory> idle_timeout(Factory& inner) {
  return std::make_unique<IdleTimeoutFactory>(inner, std::chrono::hours(1));
}

std::unique_ptr<WrappingFactory> connection_limit(Factory& inner) {
  // Only the refusal log reads the clock, and the suite opens one connection at a time.
  static fakes::FakeClock clock;
  return std::make_unique<ConnectionLimitFactory>(inner, 1, clock);
}

}  // namespace
}  // namespace kit::protocols

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(WrappingFactory, [] {
  return kit::protocols::policy_over("WrappingFactory",
                                     std::make_unique<kit::testing::StringTransportHarness>(),
                                     kit::protocols::plain);
});

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(IdleTimeoutFactory, [] {
  return kit::protocols::policy_over("IdleTimeoutFactory",
                                     std::make_unique<kit::testing::StringTransportHarness>(),
                                     kit::protocols::idle_timeout);
});

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(ConnectionLimitFactory, [] {
  return kit::protocols::policy_over("ConnectionLimitFactory",
                                     std::make_unique<kit::testing::StringTransportHarness>(),
                                     kit::protocols::connection_limit);
});

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(IdleTimeoutFactoryOverLoopback, [] {
  return kit::protocols::policy_over(
      "IdleTimeoutFactory over the loopback pair",
      std::make_unique<kit::testing::LoopbackHarness>(
          kit::testing::LoopbackHarness::Options{.seed = 4, .max_chunk = 5}),
      kit::protocols::idle_timeout);
});
