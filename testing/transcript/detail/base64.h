// Base64 (RFC 4648, standard alphabet, with padding) for the byte fields of a transcript
// that are mostly not text.
//
// Thread safety: pure functions.
#ifndef KIT_TESTING_TRANSCRIPT_DETAIL_BASE64_H_
#define KIT_TESTING_TRANSCRIPT_DETAIL_BASE64_H_

#include <optional>
#include <string>
#include <string_view>

namespace kit::testing::transcript::detail {

// base64_encode: `bytes` in base64, padded to a multiple of 4 characters.
void base64_encode(std::string_view bytes, std::string& out);

// base64_decode: the bytes of `text`, or nullopt when it is not canonical padded base64
// (a length that is not a multiple of 4, a character outside the alphabet, padding
// anywhere but the end, or padding bits that are not zero), so each byte string has one
// spelling.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace kit::testing::transcript::detail

#endif  // KIT_TESTING_TRANSCRIPT_DETAIL_BASE64_H_
