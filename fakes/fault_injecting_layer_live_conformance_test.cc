// The transport conformance suite against a FaultInjectingLayer on live connections (TCP
// over IPv4, and Unix sockets): injecting nothing, and splitting writes into seeded
// pieces. Like any layer it must keep the promises of the transport under it.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fakes/fault_injecting_layer.h"
#include "testing/conformance/transport_conformance.h"
#include "testing/conformance/wrapped_harness.h"
#include "testing/live/live_harness.h"

namespace kit::fakes {
namespace {

std::unique_ptr<testing::ConformanceHarness> live_under_fault_layer(Address::Family family,
                                                                    FaultPlan plan) {
  auto inner = std::make_unique<testing::LiveHarness>(family);
  std::string name = "FaultInjectingLayer over " + inner->name();
  std::vector<testing::WrappedHarness::Wrap> layers = {[plan](std::unique_ptr<Protocol> protocol) {
    return std::make_unique<FaultInjectingLayer>(std::move(protocol), plan);
  }};
  return std::make_unique<testing::WrappedHarness>(std::move(name), std::move(inner),
                                                   std::move(layers));
}

}  // namespace
}  // namespace kit::fakes

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(FaultLayerInjectingNothingOverLiveTcpV4, [] {
  return kit::fakes::live_under_fault_layer(kit::Address::Family::ipv4, {});
});
KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(FaultLayerSplittingWritesOverLiveTcpV4, [] {
  return kit::fakes::live_under_fault_layer(kit::Address::Family::ipv4,
                                            {.max_piece = 700, .seed = 3});
});
KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(FaultLayerSplittingWritesOverLiveUnix, [] {
  return kit::fakes::live_under_fault_layer(kit::Address::Family::unix_domain,
                                            {.piece_sizes = {1, 1000}});
});
