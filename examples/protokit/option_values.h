// Option values of `protokit serve`: durations and counts written on the command line,
// checked against bounds before anything starts, so a hostile or mistyped value (nan,
// inf, -1, 1e300, a number beyond 2^64) is a usage error and never reaches std::chrono
// or a socket.
//
// Thread safety: pure functions.
#ifndef KIT_EXAMPLES_PROTOKIT_OPTION_VALUES_H_
#define KIT_EXAMPLES_PROTOKIT_OPTION_VALUES_H_

#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "kit/time.h"

namespace protokit_cli {

// The bounds `serve` documents in --help and README.md. A day of grace and a year of
// idleness are far from what any server needs and far inside kit::Duration's range.
inline constexpr double max_grace_seconds = 86400;
inline constexpr double max_idle_timeout_seconds = 365 * 86400;
// A line is buffered whole; beyond 1 GiB per connection the limit protects nothing.
inline constexpr std::uint64_t max_max_line = 1 << 30;

// Thrown for a value out of bounds; what() quotes the value and says what was expected.
class OptionValueError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// parse_seconds: a decimal number of seconds from 0 to `max_seconds` ("10", "0.25",
// "1e3"), as a Duration (a positive value is rounded up to whole nanoseconds, so it never
// becomes 0). No sign, spaces, nan or inf.
kit::Duration parse_seconds(std::string_view text, double max_seconds);

// parse_count: a decimal integer from `min` to `max`, digits only.
std::uint64_t parse_count(std::string_view text, std::uint64_t min, std::uint64_t max);

}  // namespace protokit_cli

#endif  // KIT_EXAMPLES_PROTOKIT_OPTION_VALUES_H_
