// ResponseParser properties: any chunking of a response gives the same events as the
// response fed whole (valid or broken), and a generated valid response parses back to the
// status and body it was made from, however it is framed.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "protocols/http/response_gen.h"
#include "protocols/http/response_parser.h"
#include "protocols/http/response_recorder.h"
#include "testing/generators/chunking.h"
#include "testing/generators/chunking_gen.h"

namespace kit::http {
namespace {

std::vector<std::string> events_of(const kit::testing::Chunking& chunks,
                                   const std::vector<bool>& heads, bool eof) {
  testing::ResponseRecorder recorder;
  ResponseParser parser(recorder);
  for (bool head : heads) parser.expect_response(head ? "HEAD" : "GET");
  for (const std::string& chunk : chunks) {
    if (parser.failed()) break;
    parser.feed(chunk);
  }
  if (eof) parser.feed_eof();
  return recorder.events;
}

RC_GTEST_PROP(ResponseParserProperty, AnyChunkingGivesTheSameEvents, ()) {
  const int count = *rc::gen::inRange(1, 4);
  std::string raw;
  std::vector<bool> heads;
  for (int i = 0; i < count; ++i) {
    raw += *testing::maybe_broken_response();
    heads.push_back(*rc::gen::inRange(0, 5) == 0);
  }
  const bool eof = *rc::gen::arbitrary<bool>();
  const kit::testing::Chunking chunks = *kit::testing::gen::chunking(raw);
  RC_ASSERT(events_of(chunks, heads, eof) == events_of({raw}, heads, eof));
}

RC_GTEST_PROP(ResponseParserProperty, AValidResponseParsesToItsStatusAndBody, ()) {
  const testing::GeneratedResponse g = *testing::valid_response();
  const kit::testing::Chunking chunks = *kit::testing::gen::chunking(g.raw);
  testing::ResponseRecorder recorder;
  ResponseParser parser(recorder);
  parser.expect_response(g.head ? "HEAD" : "GET");
  for (const std::string& chunk : chunks) parser.feed(chunk);
  parser.feed_eof();
  RC_ASSERT(!recorder.error.has_value());
  RC_ASSERT(recorder.messages.size() == 1u);
  RC_ASSERT(recorder.messages[0].complete);
  RC_ASSERT(recorder.messages[0].code == g.code);
  RC_ASSERT(recorder.messages[0].body == g.body);
}

}  // namespace
}  // namespace kit::http
