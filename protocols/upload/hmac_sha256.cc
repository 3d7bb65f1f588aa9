#include "protocols/upload/hmac_sha256.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

#include "protocols/upload/sha256.h"

namespace kit::upload {

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // HMAC() with an empty key needs a non-null pointer on some OpenSSL versions.
  static const char kEmpty = 0;
  const void* key_data = key.empty() ? &kEmpty : key.data();
  if (HMAC(EVP_sha256(), key_data, static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest,
           &size) == nullptr ||
      size != Sha256::digest_size) {
    throw std::runtime_error("hmac_sha256_hex: OpenSSL's HMAC failed");
  }
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), size));
}

bool mac_matches(std::string_view received, std::string_view expected) noexcept {
  if (received.size() != expected.size()) return false;
  if (received.empty()) return true;
  return CRYPTO_memcmp(received.data(), expected.data(), received.size()) == 0;
}

}  // namespace kit::upload
