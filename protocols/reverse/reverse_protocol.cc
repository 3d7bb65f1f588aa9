#include "protocols/reverse/reverse_protocol.h"

namespace kit::protocols {

ReverseProtocol::ReverseProtocol(std::size_t max_line)
    : LineOnlyReceiver(LineDelimiter::lf_strip_cr(), max_line) {}

void ReverseProtocol::line_received(std::string_view line) {
  if (line == "quit") {
    transport()->lose_connection();
    return;
  }
  reversed_.assign(line.rbegin(), line.rend());
  send_line(reversed_);
}

void ReverseProtocol::line_length_exceeded(std::string_view line) {
  (void)line;
  send_line("error: line too long");
  transport()->lose_connection();
}

}  // namespace kit::protocols
