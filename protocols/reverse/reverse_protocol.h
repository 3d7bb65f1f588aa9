// ReverseProtocol: answers each line with the line reversed byte by byte
// (`protokit serve reverse`).
//
// As specs/cli.md says: lines end in LF and a CR before the LF is removed; answers end in
// CRLF. The line "quit" closes the connection. A line longer than the maximum (default
// 16384 bytes, counted without the LF and the CR before it) is answered "error: line too
// long" and the connection is closed, as soon as more than that many bytes have arrived
// with no LF.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_PROTOCOLS_REVERSE_REVERSE_PROTOCOL_H_
#define KIT_PROTOCOLS_REVERSE_REVERSE_PROTOCOL_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "protocols/basic/line_only_receiver.h"

namespace kit::protocols {

class ReverseProtocol : public LineOnlyReceiver {
 public:
  static constexpr std::size_t default_max_line = 16384;

  // `max_line`: the longest line accepted, in bytes (`--max-line`).
  explicit ReverseProtocol(std::size_t max_line = default_max_line);

  void line_received(std::string_view line) override;
  void line_length_exceeded(std::string_view line) override;

 private:
  std::string reversed_;  // reused, so answering allocates only for a longer line
};

}  // namespace kit::protocols

#endif  // KIT_PROTOCOLS_REVERSE_REVERSE_PROTOCOL_H_
