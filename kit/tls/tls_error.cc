#include "kit/tls/tls_error.h"

#include <string>

namespace kit::tls {
namespace {

class TlsCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "tls"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::handshake_failed:
        return "TLS handshake failed";
      case errc::certificate_verify_failed:
        return "TLS handshake failed";  // the message says it was the certificate
      case errc::truncated:
        return "TLS stream truncated";
      case errc::protocol_error:
        return "TLS protocol error";
    }
    return "unknown TLS error " + std::to_string(value);
  }
};

}  // namespace

const std::error_category& tls_category() noexcept {
  static const TlsCategory category;
  return category;
}

std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), tls_category()}; }

}  // namespace kit::tls
