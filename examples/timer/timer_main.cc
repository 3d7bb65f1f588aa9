// timer: prints the time five times, a second apart, and stops.
//
//   bazel run //examples/timer
#include <chrono>
#include <iostream>

#include "examples/timer/ticker.h"
#include "kit/live/live_reactor.h"

int main() {
  kit::live::LiveReactor reactor;
  examples::Ticker ticker(reactor, std::cout, 5, [&] { reactor.stop(); });
  ticker.start(std::chrono::seconds(1));
  reactor.run();
  return 0;
}
