// How a conformance harness over a fakes::LoopbackPair waits, shared by the plain and the
// TLS loopback harnesses: the pair is deterministic, so a step that moves nothing means
// nothing more will happen (a hang, not slowness).
//
// Thread safety: the test's thread.
#ifndef KIT_TESTING_CONFORMANCE_LOOPBACK_STEPS_H_
#define KIT_TESTING_CONFORMANCE_LOOPBACK_STEPS_H_

#include <cstddef>
#include <functional>

#include "fakes/fake_clock.h"
#include "fakes/loopback.h"

namespace kit::testing {

inline constexpr std::size_t max_loopback_steps = 1'000'000;

// settle_loopback: pumps `pair` until nothing moves; with no pair yet, runs what falls due
// on `clock` now.
void settle_loopback(fakes::LoopbackPair* pair, fakes::FakeClock& clock);

// run_loopback_until: steps `pair` until done() or a step that does nothing, at most
// `max_steps` steps; with no pair yet, runs what falls due now. Returns done().
bool run_loopback_until(fakes::LoopbackPair* pair, fakes::FakeClock& clock,
                        const std::function<bool()>& done,
                        std::size_t max_steps = max_loopback_steps);

}  // namespace kit::testing

#endif  // KIT_TESTING_CONFORMANCE_LOOPBACK_STEPS_H_
