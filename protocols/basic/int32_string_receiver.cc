#include "protocols/basic/int32_string_receiver.h"

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>
#include <string>

namespace kit::protocols {
namespace {

std::uint32_t read_be32(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
         std::uint32_t{b[3]};
}

}  // namespace

Int32StringReceiver::Int32StringReceiver(std::size_t max_length) : max_length_(max_length) {}

void Int32StringReceiver::length_limit_exceeded(std::uint32_t length) {
  (void)length;
  transport()->lose_connection();
}

void Int32StringReceiver::send_string(std::string_view string) {
  if (string.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("Int32StringReceiver::send_string: " + std::to_string(string.size()) +
                            " bytes do not fit a 32-bit length prefix");
  }
  const auto n = static_cast<std::uint32_t>(string.size());
  const char prefix[prefix_size] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                                    static_cast<char>(n >> 8), static_cast<char>(n)};
  const std::array<std::string_view, 2> pieces{std::string_view(prefix, prefix_size), string};
  transport()->write_sequence(pieces);
}

void Int32StringReceiver::set_max_length(std::size_t max_length) {
  max_length_ = max_length;
  reframe();
}

void Int32StringReceiver::consume(std::string_view input, std::size_t scanned) {
  (void)scanned;
  const char* p = input.data();
  const char* const end = p + input.size();
  for (;;) {
    if (skip_ > 0) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(skip_, end - p));
      p += n;
      skip_ -= n;
      mark_consumed(p);
      if (skip_ > 0) return;
    }
    if (static_cast<std::size_t>(end - p) < prefix_size) break;
    const std::uint32_t length = read_be32(p);
    if (length > max_length_) {
      p += prefix_size;
      skip_ = length;
      mark_consumed(p);
      length_limit_exceeded(length);
      if (interrupted()) return;
      continue;
    }
    if (static_cast<std::size_t>(end - p) - prefix_size < length) break;
    const char* string = p + prefix_size;
    p = string + length;
    mark_consumed(p);
    string_received(std::string_view(string, length));
    if (interrupted()) return;
  }
  mark_consumed(p);
}

std::size_t Int32StringReceiver::frame_end(std::string_view carried, std::string_view next) {
  char prefix[prefix_size];
  std::size_t from_next = 0;
  if (carried.size() < prefix_size) {
    from_next = prefix_size - carried.size();
    if (next.size() < from_next) return npos;
    carried.copy(prefix, carried.size());
    next.copy(prefix + carried.size(), from_next);
  } else {
    carried.copy(prefix, prefix_size);
  }
  const std::uint32_t length = read_be32(prefix);
  // A refused length needs nothing past its prefix.
  if (length > max_length_) return from_next;
  return prefix_size + length - carried.size();
}

}  // namespace kit::protocols
