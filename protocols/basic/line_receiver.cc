#include "protocols/basic/line_receiver.h"

namespace kit::protocols {

void LineReceiver::set_raw_mode() {
  if (raw_) return;
  raw_ = true;
  stop_discarding();
  reframe();
}

void LineReceiver::set_line_mode(std::string_view extra) {
  const bool was_raw = raw_;
  raw_ = false;
  if (was_raw) stop_discarding();
  if (!extra.empty()) {
    unread(extra);  // also re-reads what is buffered, in line mode
  } else if (was_raw) {
    reframe();
  }
}

void LineReceiver::consume(std::string_view input, std::size_t scanned) {
  if (!raw_) {
    consume_lines(input, scanned);
    return;
  }
  mark_consumed(input.data() + input.size());
  raw_data_received(input);
}

}  // namespace kit::protocols
