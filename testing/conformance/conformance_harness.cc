#include "testing/conformance/conformance_harness.h"

namespace kit::testing {

std::string_view to_string(ConformanceHarness::PeerEnd end) noexcept {
  switch (end) {
    case ConformanceHarness::PeerEnd::open:
      return "open";
    case ConformanceHarness::PeerEnd::eof:
      return "eof";
    case ConformanceHarness::PeerEnd::reset:
      return "reset";
  }
  return "unknown";
}

}  // namespace kit::testing
