// hmac_sha256: PKUP/1's authentication code, and comparing one in constant time.
//
// The client proves it knows the server's secret by sending HMAC-SHA256(secret, nonce)
// in lowercase hex (specs/upload.md, "Authentication"). mac_matches() compares what it
// sent with what the server computes without leaking, through its timing, how many
// leading bytes were right (OpenSSL's CRYPTO_memcmp).
//
// Thread safety: functions of values.
#ifndef KIT_PROTOCOLS_UPLOAD_HMAC_SHA256_H_
#define KIT_PROTOCOLS_UPLOAD_HMAC_SHA256_H_

#include <string>
#include <string_view>

namespace kit::upload {

// hmac_sha256_hex: HMAC-SHA256 of `message` under `key`, as 64 lowercase hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// mac_matches: `received` equals `expected`, compared in time that depends only on their
// lengths (a length differing is not a secret: every valid mac has 64 digits).
bool mac_matches(std::string_view received, std::string_view expected) noexcept;

}  // namespace kit::upload

#endif  // KIT_PROTOCOLS_UPLOAD_HMAC_SHA256_H_
