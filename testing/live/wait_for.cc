#include "testing/live/wait_for.h"

namespace kit::testing {

::testing::AssertionResult wait_for(live::LiveReactor& reactor, const std::function<bool()>& done,
                                    std::string_view what, Duration bound) {
  if (reactor.run_until(done, bound)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "timed out waiting for " << what;
}

}  // namespace kit::testing
