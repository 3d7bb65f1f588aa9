// Fuzz target: TranscriptReader on any input. Invariants: it never crashes or hangs, it
// either reads an event or throws TranscriptError with the line it stopped on, and what it
// read (all of it, or what came before the error) the writer writes back and the reader
// reads again as the same events, with the same open sessions.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "testing/fuzz/fuzz_check.h"
#include "testing/transcript/transcript_reader.h"
#include "testing/transcript/transcript_writer.h"

namespace {

using kit::testing::transcript::Event;
using kit::testing::transcript::Header;
using kit::testing::transcript::TranscriptError;
using kit::testing::transcript::TranscriptReader;
using kit::testing::transcript::TranscriptWriter;

// A small line limit, so that the limit is reached by fuzz inputs too.
constexpr std::size_t max_line = 4096;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::vector<Event> events;
  Header header;
  std::vector<kit::testing::transcript::SessionId> open;
  try {
    TranscriptReader reader(in, {.max_line_length = max_line});
    header = reader.header();
    try {
      reader.for_each([&](const Event& e) { events.push_back(e); });
    } catch (const TranscriptError& e) {
      FUZZ_CHECK(e.line() == reader.line());
      FUZZ_CHECK(e.line() == events.size() + 2);
    }
    open = reader.open_sessions();
  } catch (const TranscriptError& e) {
    FUZZ_CHECK(e.line() >= 1);
    return 0;
  }

  std::stringstream again;
  {
    // Re-encoding may take more room than the input did (text escapes against base64).
    TranscriptWriter writer(again, {.meta = header.meta, .max_line_length = 8 * max_line});
    for (const Event& e : events) writer.write(e);
    FUZZ_CHECK(writer.open_sessions() == open);
  }
  TranscriptReader reader(again, {.max_line_length = 8 * max_line});
  FUZZ_CHECK(reader.header().meta == header.meta);
  std::vector<Event> reread;
  reader.for_each([&](const Event& e) { reread.push_back(e); });
  FUZZ_CHECK(reread == events);
  FUZZ_CHECK(reader.open_sessions() == open);
  return 0;
}
