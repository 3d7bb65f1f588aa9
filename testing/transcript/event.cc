#include "testing/transcript/event.h"

#include "testing/transcript/detail/line_codec.h"

namespace kit::testing::transcript {

std::string_view to_string(Side side) { return side == Side::host ? "host" : "peer"; }

std::string_view to_string(Role role) { return role == Role::server ? "server" : "client"; }

std::string_view to_string(CloseKind how) {
  switch (how) {
    case CloseKind::fin:
      return "fin";
    case CloseKind::reset:
      return "reset";
    case CloseKind::abort:
      return "abort";
  }
  return "?";
}

SessionId session_of(const Event& event) {
  return std::visit([](const auto& e) { return e.session; }, event);
}

std::ostream& operator<<(std::ostream& out, const Event& event) {
  std::string line;
  detail::encode_line(event, line);
  return out << line;
}

std::ostream& operator<<(std::ostream& out, const Header& header) {
  std::string line;
  detail::encode_line(header, line);
  return out << line;
}

std::ostream& operator<<(std::ostream& out, const SessionStart& event) {
  return out << Event(event);
}
std::ostream& operator<<(std::ostream& out, const Data& event) { return out << Event(event); }
std::ostream& operator<<(std::ostream& out, const Close& event) { return out << Event(event); }
std::ostream& operator<<(std::ostream& out, const ClockRead& event) { return out << Event(event); }
std::ostream& operator<<(std::ostream& out, const RandomDraw& event) { return out << Event(event); }
std::ostream& operator<<(std::ostream& out, const SessionEnd& event) { return out << Event(event); }

}  // namespace kit::testing::transcript
