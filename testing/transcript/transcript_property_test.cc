// Properties of the writer and reader together: any well-formed set of sessions (binary
// and empty chunks, several sessions interleaved, every close kind, clock reads and random
// draws) round-trips exactly, and what the writer writes is printable ASCII lines.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "testing/transcript/transcript_gen.h"
#include "testing/transcript/transcript_reader.h"
#include "testing/transcript/transcript_writer.h"

namespace kit::testing::transcript {
namespace {

rc::Gen<Meta> header_metas() {
  return rc::gen::container<Meta>(rc::gen::container<std::string>(rc::gen::arbitrary<char>()),
                                  rc::gen::container<std::string>(rc::gen::arbitrary<char>()));
}

RC_GTEST_PROP(TranscriptRoundTrip, AnySessionsReadBackAsWritten, ()) {
  const std::vector<Event> events = *gen::sessions();
  const Meta meta = *header_metas();
  const bool flush_each_event = *rc::gen::arbitrary<bool>();
  std::stringstream file;
  {
    TranscriptWriter writer(file, {.meta = meta, .flush_each_event = flush_each_event});
    for (const Event& event : events) writer.write(event);
    writer.close();
  }
  TranscriptReader reader(file);
  RC_ASSERT(reader.header() == (Header{format_major, format_minor, meta}));
  std::vector<Event> read;
  reader.for_each([&](const Event& e) { read.push_back(e); });
  RC_ASSERT(read == events);
  RC_ASSERT(reader.line() == events.size() + 1);

  std::set<SessionId> open;
  for (const Event& e : events) {
    if (std::holds_alternative<SessionStart>(e)) open.insert(session_of(e));
    if (std::holds_alternative<SessionEnd>(e)) open.erase(session_of(e));
  }
  const std::vector<SessionId> left = reader.open_sessions();
  RC_ASSERT(std::set<SessionId>(left.begin(), left.end()) == open);
}

RC_GTEST_PROP(TranscriptRoundTrip, WritesOnlyPrintableAsciiLines, ()) {
  const std::vector<Event> events = *gen::sessions();
  std::ostringstream file;
  TranscriptWriter writer(file, {.meta = *header_metas()});
  for (const Event& event : events) writer.write(event);
  const std::string text = file.str();
  RC_ASSERT(!text.empty() && text.back() == '\n');
  std::size_t newlines = 0;
  for (const char c : text) {
    if (c == '\n') {
      ++newlines;
    } else {
      RC_ASSERT(c >= 0x20 && c <= 0x7e);
    }
  }
  RC_ASSERT(newlines == events.size() + 1);
}

}  // namespace
}  // namespace kit::testing::transcript
