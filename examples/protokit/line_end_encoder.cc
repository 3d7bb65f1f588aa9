#include "examples/protokit/line_end_encoder.h"

namespace protokit_cli {

std::string LineEndEncoder::encode(std::string_view chunk) {
  std::string out;
  out.reserve(chunk.size() + chunk.size() / 16);
  for (char c : chunk) {
    if (c == '\n' && !after_cr_) out += '\r';
    out += c;
    after_cr_ = c == '\r';
  }
  return out;
}

}  // namespace protokit_cli
