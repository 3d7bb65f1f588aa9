// LineEndEncoder: what `protokit send` does to standard input before sending it
// (specs/cli.md): an LF that does not follow a CR is sent as CRLF, so input with CRLF
// line ends goes unchanged and input with LF line ends gets CRLF ones.
//
// It remembers whether the last byte of a chunk was a CR, so a CRLF split across two
// reads of standard input is still left alone.
//
// Thread safety: one thread.
#ifndef EXAMPLES_PROTOKIT_LINE_END_ENCODER_H_
#define EXAMPLES_PROTOKIT_LINE_END_ENCODER_H_

#include <string>
#include <string_view>

namespace protokit_cli {

class LineEndEncoder {
 public:
  // encode: `chunk`, the next bytes of the input, as they are to be sent.
  std::string encode(std::string_view chunk);

 private:
  bool after_cr_ = false;
};

}  // namespace protokit_cli

#endif  // EXAMPLES_PROTOKIT_LINE_END_ENCODER_H_
