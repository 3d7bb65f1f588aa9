// NumberedLines: the classic line server with `quit`, written with the kit.
//
// Each line gets its number back ("1: hello"); `quit` says "bye" and closes. It is the
// example the README walks through: the protocol below, its unit test on StringTransport
// (numbered_lines_test.cc) and its live server (line_server_main.cc).
#ifndef KIT_EXAMPLES_LINE_SERVER_NUMBERED_LINES_H_
#define KIT_EXAMPLES_LINE_SERVER_NUMBERED_LINES_H_

#include <string>
#include <string_view>

#include "protocols/basic/line_delimiter.h"
#include "protocols/basic/line_only_receiver.h"

namespace examples {

class NumberedLines : public kit::protocols::LineOnlyReceiver {
 public:
  // Lines end in LF (a CR before it is dropped); answers end in CRLF.
  NumberedLines() : LineOnlyReceiver(kit::protocols::LineDelimiter::lf_strip_cr()) {}

  void connection_made() override { send_line("welcome; type quit to leave"); }

  void line_received(std::string_view line) override {
    if (line == "quit") {
      send_line("bye");
      transport()->lose_connection();  // after "bye" is sent
      return;
    }
    send_line(std::to_string(++count_) + ": " + std::string(line));
  }

 private:
  int count_ = 0;
};

}  // namespace examples

#endif  // KIT_EXAMPLES_LINE_SERVER_NUMBERED_LINES_H_
