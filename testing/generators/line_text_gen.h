// RapidCheck generator of input for line-based protocols: byte strings built from the
// pieces that make line handling go wrong -- CR, LF and CRLF in every combination, empty
// lines, "quit", NUL and 0xFF bytes, runs long enough to cross small line limits, and
// arbitrary bytes.
//
//   const std::string input = *kit::testing::gen::line_text();
//
// Shrinks toward fewer and simpler pieces.
//
// Thread safety: like any RapidCheck generator, used by the thread running the property.
#ifndef KIT_TESTING_GENERATORS_LINE_TEXT_GEN_H_
#define KIT_TESTING_GENERATORS_LINE_TEXT_GEN_H_

#include <rapidcheck.h>

#include <string>
#include <vector>

namespace kit::testing::gen {

// line_text: as above, using `words` (such as protocol commands) among the pieces.
rc::Gen<std::string> line_text(std::vector<std::string> words = {"quit"});

}  // namespace kit::testing::gen

#endif  // KIT_TESTING_GENERATORS_LINE_TEXT_GEN_H_
