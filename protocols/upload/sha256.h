// Sha256: SHA-256 of a byte stream fed in pieces (OpenSSL's libcrypto, EVP interface).
//
//   kit::upload::Sha256 hash;
//   hash.update("hel");
//   hash.update("lo");
//   std::string hex = hash.finish_hex();  // "2cf24dba..."
//
// PKUP/1 declares and answers hashes as 64 lowercase hex digits; sha256_hex() gives that
// form for a whole string, is_sha256_hex() checks it.
//
// Thread safety: one object per thread; distinct objects may be used on distinct threads.
#ifndef KIT_PROTOCOLS_UPLOAD_SHA256_H_
#define KIT_PROTOCOLS_UPLOAD_SHA256_H_

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace kit::upload {

class Sha256 {
 public:
  static constexpr std::size_t digest_size = 32;
  using Digest = std::array<unsigned char, digest_size>;

  Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  ~Sha256();

  // update: hashes `data` after what came before.
  void update(std::string_view data);
  // finish: the digest of everything given; the object starts over afterwards.
  Digest finish();
  // finish_hex: finish() as 64 lowercase hex digits.
  std::string finish_hex();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// sha256_hex: the SHA-256 of `data`, as 64 lowercase hex digits.
std::string sha256_hex(std::string_view data);

// is_sha256_hex: `text` is 64 lowercase hex digits (the form PKUP/1 requires).
bool is_sha256_hex(std::string_view text) noexcept;

// to_hex: `bytes` as lowercase hex.
std::string to_hex(std::string_view bytes);

}  // namespace kit::upload

#endif  // KIT_PROTOCOLS_UPLOAD_SHA256_H_
