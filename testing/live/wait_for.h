// wait_for: the one wait of live tests. It runs the reactor until a condition holds, with
// a bound instead of a sleep, and a failure reads as a sentence ("timed out waiting for
// both closed") rather than a hang:
//
//   ASSERT_TRUE(kit::testing::wait_for(reactor, [&] { return server.lost() == 1; },
//                                      "the server's close"));
//
// Thread safety: the reactor's thread (the test's).
#ifndef KIT_TESTING_LIVE_WAIT_FOR_H_
#define KIT_TESTING_LIVE_WAIT_FOR_H_

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string_view>

#include "kit/live/live_reactor.h"
#include "kit/time.h"

namespace kit::testing {

// How long a live test waits for one event: generous, for loaded machines and sanitizers.
inline constexpr Duration live_bound = std::chrono::seconds(20);

// wait_for: runs `reactor` until `done()` is true; fails naming `what` after `bound`.
::testing::AssertionResult wait_for(live::LiveReactor& reactor, const std::function<bool()>& done,
                                    std::string_view what, Duration bound = live_bound);

}  // namespace kit::testing

#endif  // KIT_TESTING_LIVE_WAIT_FOR_H_
