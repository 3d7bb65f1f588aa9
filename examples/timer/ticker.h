// Ticker: prints the time `times` times, `interval` apart, then stops (Twisted's
// LoopingCall example). It only knows a kit::Clock, so its test runs on FakeClock and
// takes no real time.
#ifndef KIT_EXAMPLES_TIMER_TICKER_H_
#define KIT_EXAMPLES_TIMER_TICKER_H_

#include <cstdio>
#include <functional>
#include <ostream>

#include "kit/clock.h"
#include "kit/looping_call.h"

namespace examples {

class Ticker {
 public:
  // `done` runs after the last tick.
  Ticker(kit::Clock& clock, std::ostream& out, int times, std::function<void()> done)
      : clock_(clock), out_(out), times_(times), done_(std::move(done)), loop_(clock, [this] {
          tick();
        }) {}

  void start(kit::Duration interval) {
    started_ = clock_.now();
    loop_.start(interval);
  }

 private:
  void tick() {
    double seconds = std::chrono::duration<double>(clock_.now() - started_).count();
    char line[64];
    std::snprintf(line, sizeof line, "tick %d at %.3f s\n", ++ticks_, seconds);
    out_ << line << std::flush;
    if (ticks_ == times_) {
      loop_.stop();
      done_();
    }
  }

  kit::Clock& clock_;
  std::ostream& out_;
  int times_;
  std::function<void()> done_;
  kit::LoopingCall loop_;
  kit::TimePoint started_{};
  int ticks_ = 0;
};

}  // namespace examples

#endif  // KIT_EXAMPLES_TIMER_TICKER_H_
