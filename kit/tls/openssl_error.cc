#include "kit/tls/openssl_error.h"

#include <openssl/err.h>

#include <array>

namespace kit::tls {

std::string openssl_error(std::string_view fallback) {
  // The earliest error is the cause; later ones are the callers' "PEM lib" and such.
  const unsigned long code = ERR_peek_error();
  std::string out;
  if (code == 0) {
    out = fallback;
  } else if (const char* reason = ERR_reason_error_string(code)) {
    out = reason;
  } else {
    std::array<char, 256> text{};
    ERR_error_string_n(code, text.data(), text.size());
    out = text.data();
  }
  ERR_clear_error();
  return out;
}

}  // namespace kit::tls
