#include "testing/conformance/wrapped_harness.h"

#include <utility>

#include "kit/protocol_wrapper.h"
#include "testing/conformance/relay_protocol.h"

namespace kit::testing {

WrappedHarness::WrappedHarness(std::string name, std::unique_ptr<ConformanceHarness> inner,
                               std::vector<Wrap> layers)
    : name_(std::move(name)), layers_(std::move(layers)), inner_(std::move(inner)) {}

std::unique_ptr<WrappedHarness> WrappedHarness::plain_layers(
    std::size_t count, std::unique_ptr<ConformanceHarness> inner) {
  std::string name = inner->name() + " under " + std::to_string(count) + " wrappers";
  std::vector<Wrap> layers(count, [](std::unique_ptr<Protocol> wrapped) {
    return std::make_unique<ProtocolWrapper>(std::move(wrapped));
  });
  return std::make_unique<WrappedHarness>(std::move(name), std::move(inner), std::move(layers));
}

void WrappedHarness::connect(Protocol& protocol) {
  std::unique_ptr<Protocol> top = std::make_unique<RelayProtocol>(protocol);
  for (auto layer = layers_.rbegin(); layer != layers_.rend(); ++layer) {
    top = (*layer)(std::move(top));
  }
  stack_ = std::move(top);
  inner_->connect(*stack_);
}

void WrappedHarness::call_in_reactor(unique_function<void()> fn) {
  inner_->call_in_reactor(std::move(fn));
}

}  // namespace kit::testing
