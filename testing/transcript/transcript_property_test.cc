// Properties of the writer and reader together: any well-formed set of sessions (binary
// and empty chunks, several sessions interleaved, every close kind, clock reads and random
// draws) round-trips exactly, what the writer writes is printable ASCII lines, and a file
// cut short reads up to the cut.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "testing/transcript/transcript_error.h"
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

// What a recorder stopped at any moment leaves: cut after any whole line, the file reads as
// the events written so far; cut inside a line, it reads up to that line, which is
// refused as cut short.
RC_GTEST_PROP(TranscriptRoundTrip, AFileCutShortReadsUpToTheCut, ()) {
  const std::vector<Event> events = *gen::sessions();
  std::ostringstream file;
  TranscriptWriter writer(file);
  for (const Event& event : events) writer.write(event);
  const std::string text = file.str();
  const std::size_t cut = *rc::gen::inRange<std::size_t>(0, text.size() + 1);
  std::size_t whole_lines = 0;
  for (std::size_t i = 0; i < cut; ++i) whole_lines += text[i] == '\n';
  const bool mid_line = cut > 0 && text[cut - 1] != '\n';

  std::istringstream in(text.substr(0, cut));
  std::vector<Event> read;
  try {
    TranscriptReader reader(in);
    reader.for_each([&](const Event& e) { read.push_back(e); });
    RC_ASSERT(!mid_line);
    RC_ASSERT(whole_lines >= 1);
  } catch (const TranscriptError& e) {
    // Nothing at all (cut at 0) is an empty file; else the cut line is the one refused.
    RC_ASSERT(cut == 0 || mid_line);
    RC_ASSERT(e.line() == whole_lines + 1);
    RC_ASSERT(cut == 0 || std::string(e.what()).find("no newline") != std::string::npos);
  }
  const std::size_t kept = whole_lines == 0 ? 0 : whole_lines - 1;
  RC_ASSERT(read == std::vector<Event>(events.begin(), events.begin() + kept));
}

}  // namespace
}  // namespace kit::testing::transcript
