// LineReceiver: a protocol that receives lines, or raw data, by mode (Twisted's
// basic.LineReceiver).
//
// In line mode it is a LineOnlyReceiver: line_received() for each line, with the same
// delimiter, maximum length and zero-copy views. set_raw_mode() switches to raw mode:
// every byte that follows goes to raw_data_received(), in the chunks it arrives in.
// set_line_mode(extra) switches back; `extra` (the bytes a raw callback did not use) is
// parsed for lines next, before anything received after it.
//
// Switches may happen anywhere, including in the middle of a chunk: from
// line_received() the rest of the chunk goes to raw_data_received(), and from
// raw_data_received() the `extra` handed back goes on in line mode, so a protocol reads
// the same whatever the chunking (HTTP: header lines, then a body of known length, then
// lines again). When `extra` is the tail of what raw_data_received() was given, nothing
// is copied.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_PROTOCOLS_BASIC_LINE_RECEIVER_H_
#define KIT_PROTOCOLS_BASIC_LINE_RECEIVER_H_

#include <string_view>

#include "protocols/basic/line_only_receiver.h"

namespace kit::protocols {

class LineReceiver : public LineOnlyReceiver {
 public:
  using LineOnlyReceiver::LineOnlyReceiver;

  // raw_data_received: bytes received in raw mode. The view is valid during the call.
  virtual void raw_data_received(std::string_view data) = 0;

  // set_raw_mode: the bytes after the current line go to raw_data_received(). Called
  // outside a callback, bytes already received but not yet parsed (a partial line) are
  // delivered raw at once. Ends the discarding of the rest of an overlong line.
  void set_raw_mode();

  // set_line_mode: back to lines; `extra` is parsed for lines before any other input not
  // yet parsed. Called outside a callback, lines it completes are delivered at once.
  void set_line_mode(std::string_view extra = {});

  bool raw_mode() const noexcept { return raw_; }

 protected:
  void consume(std::string_view input, std::size_t scanned) override;

 private:
  bool raw_ = false;
};

}  // namespace kit::protocols

#endif  // KIT_PROTOCOLS_BASIC_LINE_RECEIVER_H_
