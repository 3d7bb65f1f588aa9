// Int32StringReceiver: strings framed by a 4-byte big-endian length prefix (Twisted's
// basic.Int32StringReceiver).
//
// Each string on the wire is its length as an unsigned 32-bit big-endian integer, then
// its bytes. Override string_received(); the string is a view into the received bytes,
// copied only when it straddles chunks, and valid during the call.
//
// A length prefix over max_length() calls length_limit_exceeded() as soon as the prefix
// has arrived, before any of the string; the default closes the connection. If it stays
// open, the string's bytes are skipped (never buffered) and strings are read again from
// the next prefix on. Callbacks may close, pause or clear input as with any
// FrameReceiver.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_PROTOCOLS_BASIC_INT32_STRING_RECEIVER_H_
#define KIT_PROTOCOLS_BASIC_INT32_STRING_RECEIVER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocols/basic/frame_receiver.h"

namespace kit::protocols {

class Int32StringReceiver : public FrameReceiver {
 public:
  static constexpr std::size_t prefix_size = 4;
  static constexpr std::size_t default_max_length = 99'999;  // Twisted's MAX_LENGTH

  explicit Int32StringReceiver(std::size_t max_length = default_max_length);

  // string_received: one string, without its prefix. The view is valid during the call.
  virtual void string_received(std::string_view string) = 0;

  // length_limit_exceeded: a prefix announced `length` bytes, more than max_length().
  // The default closes the connection (after pending writes).
  virtual void length_limit_exceeded(std::uint32_t length);

  // send_string: writes `string` with its prefix. Throws std::length_error when it is
  // longer than a 32-bit length can say.
  void send_string(std::string_view string);

  std::size_t max_length() const noexcept { return max_length_; }
  // set_max_length: applies to prefixes not yet read.
  void set_max_length(std::size_t max_length);

 protected:
  void consume(std::string_view input, std::size_t scanned) override;
  std::size_t frame_end(std::string_view carried, std::string_view next) override;

 private:
  std::size_t max_length_;
  std::uint64_t skip_ = 0;  // bytes of a refused string still to drop
};

}  // namespace kit::protocols

#endif  // KIT_PROTOCOLS_BASIC_INT32_STRING_RECEIVER_H_
