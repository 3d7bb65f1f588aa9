// NetstringReceiver: strings framed as netstrings, `<length>:<bytes>,` (Twisted's
// basic.NetstringReceiver; https://cr.yp.to/proto/netstrings.txt).
//
// The length is decimal ASCII with no leading zeros ("0" alone is the empty string).
// Override string_received(); the string is a view into the received bytes, copied only
// when it straddles chunks, and valid during the call.
//
// Input that is not a netstring -- no length, a leading zero, no ':' after the length,
// no ',' after the string, or a length over max_length() -- is found at the first byte
// that shows it, whatever the chunking. The receiver then records why in broken_peer(),
// ignores all further input (a stream of netstrings cannot be resynchronised) and calls
// bad_netstring(), which by default closes the connection.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_PROTOCOLS_BASIC_NETSTRING_RECEIVER_H_
#define KIT_PROTOCOLS_BASIC_NETSTRING_RECEIVER_H_

#include <cstddef>
#include <optional>
#include <string_view>

#include "kit/failure.h"
#include "protocols/basic/frame_receiver.h"

namespace kit::protocols {

class NetstringReceiver : public FrameReceiver {
 public:
  static constexpr std::size_t default_max_length = 99'999;  // Twisted's MAX_LENGTH

  explicit NetstringReceiver(std::size_t max_length = default_max_length);

  // string_received: one string, without its framing. The view is valid during the call.
  virtual void string_received(std::string_view string) = 0;

  // bad_netstring: the peer sent something that is not a netstring; `reason` has code
  // errc::protocol_error and says what was wrong. The default closes the connection.
  virtual void bad_netstring(const Failure& reason);

  // broken_peer: why the input was refused, once it was.
  const std::optional<Failure>& broken_peer() const noexcept { return broken_; }

  // send_string: writes `string` as a netstring.
  void send_string(std::string_view string);

  std::size_t max_length() const noexcept { return max_length_; }
  // set_max_length: applies to netstrings whose length is not yet read.
  void set_max_length(std::size_t max_length);

 protected:
  void consume(std::string_view input, std::size_t scanned) override;
  std::size_t frame_end(std::string_view carried, std::string_view next) override;

 private:
  struct Header;
  Header parse_header(std::string_view input) const;
  void refuse(std::string message);

  std::size_t max_length_;
  std::optional<Failure> broken_;
};

}  // namespace kit::protocols

#endif  // KIT_PROTOCOLS_BASIC_NETSTRING_RECEIVER_H_
