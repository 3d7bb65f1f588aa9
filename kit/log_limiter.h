// LogLimiter: at most one log line per kind of message per interval, so an event that
// repeats (a connection refused, an accept paused for want of descriptors) cannot flood
// the log: 10,000 refusals make a handful of lines, not 10,000.
//
// The first message of a kind goes to kit::log at once and opens a quiet window of
// `interval`. Messages of that kind inside the window are counted, not logged; when the
// window closes, the latest of them is logged with "(N similar messages suppressed)",
// N counting the others, and a new window opens. A window with nothing held back ends
// silently. Time comes from the Clock given (never the real clock directly), so a
// FakeClock drives it in tests. Destroying the limiter logs what it still holds back.
//
//   kit::LogLimiter limiter(reactor);  // one line per kind per second
//   limiter.log(kit::LogLevel::warning, "refused", "refused a connection from " + peer);
//
// Thread safety: the clock's thread only (the reactor's).
#ifndef KIT_LOG_LIMITER_H_
#define KIT_LOG_LIMITER_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "kit/clock.h"
#include "kit/delayed_call.h"
#include "kit/log.h"
#include "kit/time.h"

namespace kit {

class LogLimiter {
 public:
  static constexpr Duration default_interval = std::chrono::seconds(1);

  // `interval` must be positive (std::invalid_argument otherwise).
  explicit LogLimiter(Clock& clock, Duration interval = default_interval);
  ~LogLimiter();
  LogLimiter(const LogLimiter&) = delete;
  LogLimiter& operator=(const LogLimiter&) = delete;

  // log: sends `message` to kit::log now, or holds it back (see above). `kind` groups
  // similar messages; it is not part of the line.
  void log(LogLevel level, std::string_view kind, std::string message);

  // suppressed: how many messages of `kind` are held back in the current window.
  std::uint64_t suppressed(std::string_view kind) const;

 private:
  struct Kind {
    bool seen = false;
    TimePoint quiet_until{};  // the window is open while now() is before it
    std::uint64_t suppressed = 0;
    LogLevel level = LogLevel::info;
    std::string latest;  // the latest message held back
    DelayedCall window_end;
  };

  void close_window(Kind& kind);
  static void emit_held_back(Kind& kind);

  Clock& clock_;
  Duration interval_;
  std::map<std::string, Kind, std::less<>> kinds_;  // nodes stay put: calls hold a Kind*
};

}  // namespace kit

#endif  // KIT_LOG_LIMITER_H_
