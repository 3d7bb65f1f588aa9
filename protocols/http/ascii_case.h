// iequals_ascii: two strings equal ignoring ASCII case, as HTTP compares field names,
// tokens and the chunked coding (RFC 9110 5.1); other bytes compare exactly.
//
// Thread safety: a pure function.
#ifndef KIT_PROTOCOLS_HTTP_ASCII_CASE_H_
#define KIT_PROTOCOLS_HTTP_ASCII_CASE_H_

#include <cstddef>
#include <string_view>

namespace kit::http {

constexpr char lower_ascii(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool iequals_ascii(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower_ascii(a[i]) != lower_ascii(b[i])) return false;
  }
  return true;
}

}  // namespace kit::http

#endif  // KIT_PROTOCOLS_HTTP_ASCII_CASE_H_
