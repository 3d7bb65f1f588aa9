#include "kit/random.h"

#include <stdexcept>

namespace kit {

std::string Random::bytes(std::size_t n) {
  std::string out(n, '\0');
  if (n > 0) fill(std::as_writable_bytes(std::span<char>(out.data(), out.size())));
  return out;
}

std::uint64_t Random::next_u64() {
  std::byte raw[8];
  fill(raw);
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | static_cast<std::uint8_t>(raw[i]);
  return value;
}

std::uint64_t Random::uniform(std::uint64_t low, std::uint64_t high) {
  if (low > high) throw std::invalid_argument("Random::uniform: low is above high");
  const std::uint64_t span = high - low;
  if (span == UINT64_MAX) return next_u64();
  const std::uint64_t range = span + 1;
  // Draws in the last partial block of `range` would favour small values: draw again.
  const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % range + 1) % range;
  for (;;) {
    const std::uint64_t draw = next_u64();
    if (draw <= limit) return low + draw % range;
  }
}

std::string Random::hex(std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  const std::string raw = bytes(n);
  std::string out(2 * n, '\0');
  for (std::size_t i = 0; i < n; ++i) {
    const auto byte = static_cast<std::uint8_t>(raw[i]);
    out[2 * i] = digits[byte >> 4];
    out[2 * i + 1] = digits[byte & 0x0f];
  }
  return out;
}

}  // namespace kit
