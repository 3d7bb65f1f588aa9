#include "testing/conformance/loopback_steps.h"

namespace kit::testing {

void settle_loopback(fakes::LoopbackPair* pair, fakes::FakeClock& clock) {
  if (pair != nullptr) {
    pair->pump();
  } else {
    clock.advance(Duration::zero());
  }
}

bool run_loopback_until(fakes::LoopbackPair* pair, fakes::FakeClock& clock,
                        const std::function<bool()>& done, std::size_t max_steps) {
  if (pair == nullptr) {
    clock.advance(Duration::zero());
    return done();
  }
  for (std::size_t step = 0; step < max_steps; ++step) {
    if (done()) return true;
    if (!pair->step()) break;
  }
  return done();
}

}  // namespace kit::testing
