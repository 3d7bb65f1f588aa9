// IdleTimeout: calls back once nothing has happened for a given time (Twisted's
// policies.TimeoutMixin, as a member rather than a mixin).
//
// A protocol owns one, says when there was activity, and decides what a timeout means:
//
//   class Session : public kit::Protocol {
//    public:
//     explicit Session(kit::Clock& clock)
//         : idle_(clock, [this] { transport()->lose_connection(); }) {}
//     void connection_made() override { idle_.set_timeout(std::chrono::seconds(60)); }
//     void data_received(std::string_view data) override {
//       idle_.reset();
//       ...
//     }
//     void connection_lost(const kit::Failure&) override { idle_.set_timeout(std::nullopt); }
//
//    private:
//     kit::protocols::IdleTimeout idle_;
//   };
//
// reset() only notes the clock's time: the pending call is moved when it comes due and
// finds there was activity since, so that noting activity on every read costs next to
// nothing. Destroying the IdleTimeout cancels its call.
//
// Thread safety: the clock's thread.
#ifndef KIT_PROTOCOLS_POLICIES_IDLE_TIMEOUT_H_
#define KIT_PROTOCOLS_POLICIES_IDLE_TIMEOUT_H_

#include <optional>

#include "kit/clock.h"
#include "kit/delayed_call.h"
#include "kit/time.h"
#include "kit/unique_function.h"

namespace kit::protocols {

class IdleTimeout {
 public:
  // Nothing is counted down until set_timeout().
  IdleTimeout(Clock& clock, unique_function<void()> on_timeout);
  IdleTimeout(const IdleTimeout&) = delete;
  IdleTimeout& operator=(const IdleTimeout&) = delete;

  // set_timeout: counts down `timeout` from now (replacing any countdown); std::nullopt
  // stops counting. Returns the previous timeout (Twisted's setTimeout). Throws
  // std::invalid_argument for a negative timeout.
  std::optional<Duration> set_timeout(std::optional<Duration> timeout);

  // reset: there was activity; the countdown starts again from now. Does nothing when no
  // countdown is running (stopped, or the timeout already fired).
  void reset();

  // timeout: the timeout set, if any (still set after it fired).
  std::optional<Duration> timeout() const noexcept { return timeout_; }

  // active: a countdown is running: on_timeout will be called unless there is activity.
  bool active() const noexcept { return call_.active(); }

 private:
  void due();

  Clock& clock_;
  unique_function<void()> on_timeout_;
  std::optional<Duration> timeout_;
  TimePoint last_activity_{};
  DelayedCall call_;
};

}  // namespace kit::protocols

#endif  // KIT_PROTOCOLS_POLICIES_IDLE_TIMEOUT_H_
