#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "protocols/basic/scripted_line_receiver.h"
#include "testing/generators/chunking.h"
#include "testing/generators/chunking_gen.h"
#include "testing/generators/line_text_gen.h"

namespace kit::protocols {
namespace {

// Input for ScriptedLineReceiver: its commands among line-ish bytes.
rc::Gen<std::string> script_text() {
  return testing::gen::line_text({"raw 3", "raw 12", "raw 40", "pause", "close", "max 4", "max 100",
                                  "lf", "crlf", "strip", "END", "\r\n", "\n"});
}

RC_GTEST_PROP(LineReceiverProperty, AnyChunkingGivesTheSameEvents, ()) {
  const std::string input = *script_text();
  const int delimiter = *rc::gen::inRange(0, script_delimiters);
  const std::size_t max_length = *rc::gen::inRange<std::size_t>(0, 40);
  const testing::Chunking chunks = *testing::gen::chunking(input);

  const std::vector<std::string> whole = run_script({input}, delimiter, max_length);
  const std::vector<std::string> chunked = run_script(chunks, delimiter, max_length);
  RC_ASSERT(chunked == whole);
  for (const std::string& event : chunked) RC_ASSERT(event.rfind("BAD:", 0) != 0);
}

RC_GTEST_PROP(LineReceiverProperty, OneByteChunksGiveTheSameEvents, ()) {
  // The chunking most likely to split delimiters, commands and raw runs everywhere.
  const std::string input = *script_text();
  const int delimiter = *rc::gen::inRange(0, script_delimiters);
  const std::size_t max_length = *rc::gen::inRange<std::size_t>(0, 40);
  RC_ASSERT(run_script(testing::split_every(input, 1), delimiter, max_length) ==
            run_script({input}, delimiter, max_length));
}

}  // namespace
}  // namespace kit::protocols
