#include "testing/transcript/address_text.h"

#include <cstdint>

namespace kit::testing::transcript {
namespace {

std::optional<std::uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  std::uint32_t port = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (port > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(port);
}

// A numeric IPv4 address, or an IPv6 one (hex digits and colons, perhaps an embedded IPv4
// tail and a %scope), as Address::tcp() is given them.
bool numeric_ip(std::string_view ip, bool v6) {
  if (ip.empty()) return false;
  const std::size_t percent = ip.find('%');
  if (percent != std::string_view::npos && (!v6 || percent + 1 == ip.size())) return false;
  for (std::size_t i = 0; i < ip.size(); ++i) {
    const char c = ip[i];
    if (i > percent) continue;  // a scope is an interface name
    const bool digit = c >= '0' && c <= '9';
    const bool hex = digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (v6 ? !(hex || c == ':' || c == '.' || c == '%') : !(digit || c == '.')) return false;
  }
  return true;
}

}  // namespace

std::optional<Address> parse_address(std::string_view text) {
  if (text == "none") return Address();
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  const std::string_view scheme = text.substr(0, colon);
  const std::string_view rest = text.substr(colon + 1);
  if (scheme == "unix") return Address::unix_socket(rest);
  if (scheme == "memory") return Address::memory(rest);
  for (const char c : scheme) {
    if (c < 'a' || c > 'z') return std::nullopt;
  }
  std::string_view ip;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    const std::size_t close = rest.find("]:");
    if (close == std::string_view::npos) return std::nullopt;
    ip = rest.substr(1, close - 1);
    port = rest.substr(close + 2);
    if (ip.find(':') == std::string_view::npos || !numeric_ip(ip, true)) return std::nullopt;
  } else {
    const std::size_t last = rest.rfind(':');
    if (last == std::string_view::npos) return std::nullopt;
    ip = rest.substr(0, last);
    port = rest.substr(last + 1);
    if (!numeric_ip(ip, false)) return std::nullopt;
  }
  const std::optional<std::uint16_t> number = parse_port(port);
  if (!number) return std::nullopt;
  return Address::tcp(ip, *number);
}

}  // namespace kit::testing::transcript
