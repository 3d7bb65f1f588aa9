#include "examples/protokit/option_values.h"

#include <charconv>
#include <cmath>
#include <string>

namespace protokit_cli {
namespace {

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// to_chars without a trailing ".0": the bounds print as they are documented.
std::string number(double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

bool digits_only(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

kit::Duration parse_seconds(std::string_view text, double max_seconds) {
  double seconds = 0;
  const char* first = text.data();
  const char* last = first + text.size();
  // from_chars takes no '+' and no spaces; it does take "nan" and "inf", refused below.
  auto [end, ec] = std::from_chars(first, last, seconds);
  if (text.empty() || text.front() == '-' || ec != std::errc() || end != last ||
      !std::isfinite(seconds) || seconds < 0 || seconds > max_seconds) {
    throw OptionValueError(quoted(text) + " is not a number of seconds from 0 to " +
                           number(max_seconds));
  }
  // max_seconds is far below kit::Duration's range (about 292 years), so this cannot overflow.
  return kit::Duration(static_cast<kit::Duration::rep>(std::ceil(seconds * 1e9)));
}

std::uint64_t parse_count(std::string_view text, std::uint64_t min, std::uint64_t max) {
  std::uint64_t value = 0;
  const char* first = text.data();
  const char* last = first + text.size();
  bool ok = digits_only(text);
  if (ok) {
    auto [end, ec] = std::from_chars(first, last, value);
    ok = ec == std::errc() && end == last && value >= min && value <= max;
  }
  if (!ok) {
    throw OptionValueError(quoted(text) + " is not a whole number from " + std::to_string(min) +
                           " to " + std::to_string(max));
  }
  return value;
}

}  // namespace protokit_cli
