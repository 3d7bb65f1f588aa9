#include "kit/log_limiter.h"

#include <stdexcept>
#include <utility>

namespace kit {

LogLimiter::LogLimiter(Clock& clock, Duration interval) : clock_(clock), interval_(interval) {
  if (interval <= Duration::zero()) {
    throw std::invalid_argument("LogLimiter: the interval must be positive");
  }
}

LogLimiter::~LogLimiter() {
  for (auto& [name, kind] : kinds_) {
    kind.window_end.cancel();
    try {
      emit_held_back(kind);
    } catch (...) {
      // A sink that throws must not turn a destructor into std::terminate.
    }
  }
}

void LogLimiter::log(LogLevel level, std::string_view name, std::string message) {
  auto found = kinds_.find(name);
  if (found == kinds_.end()) found = kinds_.emplace(std::string(name), Kind{}).first;
  Kind& kind = found->second;
  const TimePoint now = clock_.now();
  if (!kind.seen || now >= kind.quiet_until) {
    kit::log(level, message);
    kind.seen = true;
    kind.quiet_until = now + interval_;
    return;
  }
  ++kind.suppressed;
  kind.level = level;
  kind.latest = std::move(message);
  if (!kind.window_end.active()) {
    kind.window_end =
        clock_.call_later(kind.quiet_until - now, [this, &kind] { close_window(kind); });
  }
}

void LogLimiter::close_window(Kind& kind) {
  if (kind.suppressed == 0) return;
  emit_held_back(kind);
  // What was just logged opens the next window, so a steady stream stays at one line
  // per interval.
  kind.quiet_until = clock_.now() + interval_;
}

void LogLimiter::emit_held_back(Kind& kind) {
  if (kind.suppressed == 0) return;
  const std::uint64_t others = kind.suppressed - 1;
  std::string line = std::move(kind.latest);
  kind.latest.clear();
  kind.suppressed = 0;
  if (others > 0) {
    line += " (" + std::to_string(others) + " similar message" + (others == 1 ? "" : "s") +
            " suppressed)";
  }
  kit::log(kind.level, line);
}

std::uint64_t LogLimiter::suppressed(std::string_view name) const {
  auto found = kinds_.find(name);
  return found == kinds_.end() ? 0 : found->second.suppressed;
}

}  // namespace kit
