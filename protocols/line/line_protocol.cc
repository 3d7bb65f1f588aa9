#include "protocols/line/line_protocol.h"

#include <array>

namespace kit::protocols {

LineProtocol::LineProtocol(std::size_t max_line)
    : LineOnlyReceiver(LineDelimiter::lf_strip_cr(), max_line) {}

void LineProtocol::line_received(std::string_view line) {
  if (line == "quit") {
    send_line("Goodbye.");
    transport()->lose_connection();
    return;
  }
  const std::array<std::string_view, 3> answer{"You said: ", line, delimiter().sends()};
  transport()->write_sequence(answer);
}

void LineProtocol::line_length_exceeded(std::string_view line) {
  (void)line;
  send_line("error: line too long");
  transport()->lose_connection();
}

}  // namespace kit::protocols
