// LineOnlyReceiver: a protocol that receives lines (Twisted's basic.LineOnlyReceiver).
//
// Override line_received(); each line comes without its delimiter (see LineDelimiter),
// as a view into the received bytes that is valid during the call: a line is copied only
// when it straddles two chunks of input.
//
// A line longer than max_length() bytes (not counting the delimiter, nor a stripped "\r")
// is not delivered; line_length_exceeded() is called instead, as soon as it is certain:
// when more than max_length() bytes of the line have arrived that cannot be part of its
// delimiter, without waiting for the delimiter. Whatever the chunking of the input, the
// same lines are delivered and the same lines exceed. The default closes the connection.
// If it stays open, the rest of the overlong line, up to and including its delimiter, is
// discarded, and lines are delivered again from the next one on.
//
// A line callback may close the connection (no further line is delivered), pause reading
// (see FrameReceiver), or change the delimiter or maximum; lines after it in the same
// chunk are read under the new setting. LineReceiver adds a raw mode.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_PROTOCOLS_BASIC_LINE_ONLY_RECEIVER_H_
#define KIT_PROTOCOLS_BASIC_LINE_ONLY_RECEIVER_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "protocols/basic/frame_receiver.h"
#include "protocols/basic/line_delimiter.h"

namespace kit::protocols {

class LineOnlyReceiver : public FrameReceiver {
 public:
  static constexpr std::size_t default_max_length = 16384;

  explicit LineOnlyReceiver(LineDelimiter delimiter = LineDelimiter::crlf(),
                            std::size_t max_length = default_max_length);

  // line_received: one line, without its delimiter. The view is valid during the call.
  virtual void line_received(std::string_view line) = 0;

  // line_length_exceeded: a line is longer than max_length(). `line` is that line as far
  // as it has arrived (all of it, without the delimiter, when its end came in the same
  // chunk; otherwise at least max_length() + 1 bytes of it). The default closes the
  // connection (after pending writes).
  virtual void line_length_exceeded(std::string_view line);

  // send_line: writes `line` followed by delimiter().sends().
  void send_line(std::string_view line);

  // clear_line_buffer: drops the input received but not yet parsed (a partial line, or
  // from inside line_received() the lines after the current one) and returns it.
  std::string clear_line_buffer() { return clear_buffer(); }

  const LineDelimiter& delimiter() const noexcept { return delimiter_; }
  // set_delimiter: input not yet parsed is read with `delimiter`.
  void set_delimiter(LineDelimiter delimiter);

  std::size_t max_length() const noexcept { return max_length_; }
  // set_max_length: applies to lines not yet delivered.
  void set_max_length(std::size_t max_length);

 protected:
  void consume(std::string_view input, std::size_t scanned) override;
  std::size_t frame_end(std::string_view carried, std::string_view next) override;

  // consume_lines: consume() in line mode, for LineReceiver.
  void consume_lines(std::string_view input, std::size_t scanned);

  // stop_discarding: a mode switch ends the discarding of an overlong line's rest.
  void stop_discarding() noexcept {
    discarding_ = false;
    discard_tail_.clear();
  }

 private:
  // deliver_lines: hands out the lines wholly in [line, end), searching for delimiter ends
  // from `search`; returns where the unfinished line starts, or nullptr if interrupted.
  // kHead is the delimiter's size less one, or dynamic_head for any size.
  static constexpr std::size_t dynamic_head = static_cast<std::size_t>(-1);
  template <std::size_t kHead, bool kStripCr>
  const char* deliver_lines(const char* line, const char* search, const char* end);

  LineDelimiter delimiter_;
  std::size_t max_length_;
  // After line_length_exceeded() on an incomplete line: input is dropped up to and
  // including the next delimiter. discard_tail_ keeps the last bytes dropped, which a
  // delimiter split across chunks may begin in.
  bool discarding_ = false;
  std::string discard_tail_;
};

}  // namespace kit::protocols

#endif  // KIT_PROTOCOLS_BASIC_LINE_ONLY_RECEIVER_H_
