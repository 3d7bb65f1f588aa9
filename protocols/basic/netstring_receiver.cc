#include "protocols/basic/netstring_receiver.h"

#include <array>
#include <string>
#include <utility>

namespace kit::protocols {

// What the start of a netstring says so far.
struct NetstringReceiver::Header {
  enum class State { incomplete, complete, bad };

  static Header incomplete() { return Header{State::incomplete, 0, 0, {}}; }
  static Header complete(std::size_t size, std::size_t length) {
    return Header{State::complete, size, length, {}};
  }
  static Header bad(std::string error) { return Header{State::bad, 0, 0, std::move(error)}; }

  State state;
  std::size_t size;    // bytes of "<length>:"
  std::size_t length;  // the announced length
  std::string error;   // why it is bad
};

NetstringReceiver::NetstringReceiver(std::size_t max_length) : max_length_(max_length) {}

void NetstringReceiver::bad_netstring(const Failure& reason) {
  (void)reason;
  transport()->lose_connection();
}

void NetstringReceiver::send_string(std::string_view string) {
  const std::string header = std::to_string(string.size()) + ':';
  const std::array<std::string_view, 3> pieces{header, string, ","};
  transport()->write_sequence(pieces);
}

void NetstringReceiver::set_max_length(std::size_t max_length) {
  max_length_ = max_length;
  reframe();
}

NetstringReceiver::Header NetstringReceiver::parse_header(std::string_view input) const {
  if (input.empty()) return Header::incomplete();
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!is_digit(input[0])) {
    return Header::bad("netstring does not start with a length");
  }
  std::size_t i = 0;
  std::size_t length = 0;
  for (; i < input.size() && is_digit(input[i]); ++i) {
    if (i == 1 && input[0] == '0') {
      return Header::bad("netstring length has a leading zero");
    }
    length = length * 10 + static_cast<std::size_t>(input[i] - '0');
    if (length > max_length_) {
      // Stops before the number can overflow: max_length_ * 10 + 9 always fits.
      return Header::bad("netstring longer than the maximum of " + std::to_string(max_length_) +
                         " bytes");
    }
  }
  if (i == input.size()) return Header::incomplete();
  if (input[i] != ':') return Header::bad("netstring length is not followed by ':'");
  return Header::complete(i + 1, length);
}

void NetstringReceiver::refuse(std::string message) {
  broken_ = Failure(errc::protocol_error, std::move(message));
  bad_netstring(*broken_);
}

void NetstringReceiver::consume(std::string_view input, std::size_t scanned) {
  (void)scanned;
  const char* const end = input.data() + input.size();
  if (broken_) {
    mark_consumed(end);
    return;
  }
  std::string_view rest = input;
  for (;;) {
    mark_consumed(rest.data());
    const Header header = parse_header(rest);
    if (header.state == Header::State::incomplete) return;
    if (header.state == Header::State::bad) {
      mark_consumed(end);
      refuse(header.error);
      return;
    }
    const std::size_t total = header.size + header.length + 1;
    if (rest.size() < total) return;
    if (rest[total - 1] != ',') {
      mark_consumed(end);
      refuse("netstring of " + std::to_string(header.length) + " bytes is not followed by ','");
      return;
    }
    const std::string_view string = rest.substr(header.size, header.length);
    rest.remove_prefix(total);
    mark_consumed(rest.data());
    string_received(string);
    if (interrupted()) return;
  }
}

std::size_t NetstringReceiver::frame_end(std::string_view carried, std::string_view next) {
  const Header header = parse_header(carried);
  if (header.state == Header::State::complete) {
    return header.size + header.length + 1 - carried.size();
  }
  // The length is still arriving: take its digits and the byte after them, which ends it
  // (or shows it is bad). consume() checks the digits against the maximum.
  std::size_t n = 0;
  while (n < next.size() && next[n] >= '0' && next[n] <= '9') ++n;
  return n < next.size() ? n + 1 : npos;
}

}  // namespace kit::protocols
