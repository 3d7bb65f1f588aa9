// The transport conformance suite (testing/conformance) against the transport a
// ProtocolWrapper gives the protocol it wraps, over a StringTransport: a wrapper must keep
// every promise of kit/transport.h that the transport under it keeps. Run for each
// wrapping factory of this package.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "fakes/fake_clock.h"
#include "kit/factory.h"
#include "protocols/policies/connection_limit_factory.h"
#include "protocols/policies/idle_timeout_factory.h"
#include "protocols/policies/wrapping_factory.h"
#include "testing/conformance/string_transport_harness.h"
#include "testing/conformance/transport_conformance.h"

namespace kit::protocols {
namespace {

// Passes every callback on to the suite's protocol, which the suite owns; the wrapper
// owns what its factory built, so the relay stands in for it there.
class Relay : public Protocol {
 public:
  explicit Relay(Protocol& target) : target_(target) {}
  void connection_made() override { target_.make_connection(*transport()); }
  void data_received(std::string_view data) override { target_.data_received(data); }
  void read_connection_lost() override { target_.read_connection_lost(); }
  void connection_lost(const Failure& reason) override { target_.connection_lost(reason); }
  void stop_requested() override { target_.stop_requested(); }

 private:
  Protocol& target_;
};

// StringTransportHarness, with a wrapping factory's protocol between the transport and
// the suite's protocol.
class WrappedHarness final : public testing::ConformanceHarness {
 public:
  using MakeFactory = std::function<std::unique_ptr<WrappingFactory>(Factory&, Clock&)>;

  WrappedHarness(std::string name, MakeFactory make)
      : name_(std::move(name)), make_(std::move(make)) {}

  std::string name() const override { return name_; }

  void connect(Protocol& protocol) override {
    relays_ = std::make_unique<FunctionFactory>(
        [&protocol](const Address&) { return std::make_unique<Relay>(protocol); });
    factory_ = make_(*relays_, idle_clock_);
    wrapper_ = factory_->build_protocol(Address::tcp("192.0.2.1", 1));
    inner_.connect(*wrapper_);
  }
  void call_in_reactor(unique_function<void()> fn) override {
    inner_.call_in_reactor(std::move(fn));
  }
  void peer_send(std::string_view data) override { inner_.peer_send(data); }
  void peer_half_close() override { inner_.peer_half_close(); }
  void peer_close() override { inner_.peer_close(); }
  void peer_reset() override { inner_.peer_reset(); }
  void peer_stop_reading() override { inner_.peer_stop_reading(); }
  void peer_resume_reading() override { inner_.peer_resume_reading(); }
  const std::string& peer_received() const override { return inner_.peer_received(); }
  PeerEnd peer_end() const override { return inner_.peer_end(); }
  void settle() override { inner_.settle(); }
  bool run_until(const std::function<bool()>& done) override { return inner_.run_until(done); }

 private:
  std::string name_;
  MakeFactory make_;
  // The idle timeout's clock never moves: the suite's connections are never idle long.
  fakes::FakeClock idle_clock_;
  // Destroyed in reverse: the transport first, then the wrapper, then its factories.
  std::unique_ptr<Factory> relays_;
  std::unique_ptr<WrappingFactory> factory_;
  std::unique_ptr<Protocol> wrapper_;
  testing::StringTransportHarness inner_;
};

}  // namespace
}  // namespace kit::protocols

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(WrappingFactory, [] {
  return std::make_unique<kit::protocols::WrappedHarness>(
      "WrappingFactory", [](kit::Factory& inner, kit::Clock&) {
        return std::make_unique<kit::protocols::WrappingFactory>(inner);
      });
});

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(IdleTimeoutFactory, [] {
  return std::make_unique<kit::protocols::WrappedHarness>(
      "IdleTimeoutFactory", [](kit::Factory& inner, kit::Clock& clock) {
        return std::make_unique<kit::protocols::IdleTimeoutFactory>(inner, clock,
                                                                    std::chrono::hours(1));
      });
});

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(ConnectionLimitFactory, [] {
  return std::make_unique<kit::protocols::WrappedHarness>(
      "ConnectionLimitFactory", [](kit::Factory& inner, kit::Clock&) {
        return std::make_unique<kit::protocols::ConnectionLimitFactory>(inner, 1);
      });
});
