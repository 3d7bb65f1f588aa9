// The line codec: one transcript line (a JSON object, FORMAT.md) to and from a Header or an
// Event. Lines are written by hand, so that the key order is fixed and readable and every
// line is printable ASCII; they are read with nlohmann-json.
//
// Byte strings (data, random draws, addresses, meta) are written as "text" when at most
// one byte in eight needs an escape, each byte a character U+0000..U+00FF, else "base64".
//
// Thread safety: pure functions.
#ifndef KIT_TESTING_TRANSCRIPT_DETAIL_LINE_CODEC_H_
#define KIT_TESTING_TRANSCRIPT_DETAIL_LINE_CODEC_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "testing/transcript/event.h"

namespace kit::testing::transcript::detail {

// encode_line: the line for `header` or `event`, appended to `out`, without the newline.
void encode_line(const Header& header, std::string& out);
void encode_line(const Event& event, std::string& out);

// decode_header: the header in `text`. Throws TranscriptError naming `line` when `text` is
// not a header, or one of a major version other than format_major.
Header decode_header(std::string_view text, std::size_t line);

// decode_event: the event in `text`. Throws TranscriptError naming `line` when it is not a
// well-formed event. Keys this version does not know are refused, unless
// `ignore_unknown_keys` (the file is of a newer minor version, which may add them).
Event decode_event(std::string_view text, std::size_t line, bool ignore_unknown_keys);

}  // namespace kit::testing::transcript::detail

#endif  // KIT_TESTING_TRANSCRIPT_DETAIL_LINE_CODEC_H_
