// LineProtocol: answers each line with "You said: <line>" (`protokit serve line`).
//
// As specs/cli.md says: lines end in LF and a CR before the LF is removed; answers end in
// CRLF. The line "quit" is answered "Goodbye." and the connection is closed. A line longer
// than the maximum (default 16384 bytes, counted without the LF and the CR before it) is
// answered "error: line too long" and the connection is closed, as soon as more than that
// many bytes have arrived with no LF.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_PROTOCOLS_LINE_LINE_PROTOCOL_H_
#define KIT_PROTOCOLS_LINE_LINE_PROTOCOL_H_

#include <cstddef>
#include <string_view>

#include "protocols/basic/line_only_receiver.h"

namespace kit::protocols {

class LineProtocol : public LineOnlyReceiver {
 public:
  static constexpr std::size_t default_max_line = 16384;

  // `max_line`: the longest line accepted, in bytes (`--max-line`).
  explicit LineProtocol(std::size_t max_line = default_max_line);

  void line_received(std::string_view line) override;
  void line_length_exceeded(std::string_view line) override;
};

}  // namespace kit::protocols

#endif  // KIT_PROTOCOLS_LINE_LINE_PROTOCOL_H_
