#include "testing/transcript/detail/session_rules.h"

#include <algorithm>

namespace kit::testing::transcript::detail {
namespace {

std::string ns(Duration d) { return std::to_string(d.count()) + " ns"; }

std::string name(SessionId id) { return "session " + std::to_string(id); }

Duration time_of(const Event& event) {
  return std::visit(
      [](const auto& e) -> Duration {
        if constexpr (std::is_same_v<std::decay_t<decltype(e)>, SessionStart>) {
          return Duration{0};
        } else {
          return e.t;
        }
      },
      event);
}

}  // namespace

std::optional<std::string> SessionRules::check(const Event& event) {
  const SessionId id = session_of(event);
  if (const auto* start = std::get_if<SessionStart>(&event)) {
    if (start->start < Duration{0}) return name(id) + " starts at a negative time";
    if (!sessions_.try_emplace(id).second) return name(id) + " starts a second time";
    return std::nullopt;
  }
  const auto found = sessions_.find(id);
  if (found == sessions_.end()) return name(id) + " has an event before its session line";
  State& state = found->second;
  if (state.ended) return name(id) + " has an event after its end";
  const Duration t = time_of(event);
  if (t < Duration{0}) return name(id) + " has a negative time";
  if (t < state.last) {
    return name(id) + " goes back in time: " + ns(t) + " after " + ns(state.last);
  }
  if (const auto* data = std::get_if<Data>(&event)) {
    const auto& closed = state.closed[static_cast<int>(data->from)];
    if (closed) {
      return name(id) + " has data from the " + std::string(to_string(data->from)) +
             " after it closed (" + std::string(to_string(*closed)) + ")";
    }
  } else if (const auto* close = std::get_if<Close>(&event)) {
    auto& closed = state.closed[static_cast<int>(close->by)];
    if (closed && (*closed != CloseKind::fin || close->how == CloseKind::fin)) {
      return name(id) + ": the " + std::string(to_string(close->by)) + " closes (" +
             std::string(to_string(close->how)) + ") after it closed (" +
             std::string(to_string(*closed)) + ")";
    }
    closed = close->how;
  } else if (std::holds_alternative<SessionEnd>(event)) {
    state.ended = true;
  }
  state.last = t;
  return std::nullopt;
}

std::vector<SessionId> SessionRules::open_sessions() const {
  std::vector<SessionId> open;
  for (const auto& [id, state] : sessions_) {
    if (!state.ended) open.push_back(id);
  }
  std::sort(open.begin(), open.end());
  return open;
}

}  // namespace kit::testing::transcript::detail
