#include "testing/transcript/transcript_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "testing/transcript/transcript_error.h"

namespace kit::testing::transcript {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using namespace std::chrono_literals;

const std::string header = "{\"type\":\"transcript\",\"version\":\"1.0\"}\n";
const std::string session1 =
    "{\"type\":\"session\",\"session\":1,\"start\":0,\"role\":\"server\",\"host\":\"h\","
    "\"peer\":\"p\"}\n";

std::vector<Event> read_all(const std::string& text) {
  std::istringstream in(text);
  TranscriptReader reader(in);
  std::vector<Event> events;
  reader.for_each([&](const Event& e) { events.push_back(e); });
  return events;
}

// The one event on `line`, read after the header and session 1's start.
Event event_of(const std::string& line) {
  const std::vector<Event> events = read_all(header + session1 + line + "\n");
  EXPECT_EQ(events.size(), 2u);
  return events.back();
}

// The error reading `text` gives; fails the test when there is none.
TranscriptError error_of(const std::string& text) {
  try {
    read_all(text);
  } catch (const TranscriptError& e) {
    return e;
  }
  ADD_FAILURE() << "read without error:\n" << text;
  return TranscriptError(0, "none");
}

// The error for `line` after the header and session 1's start (line 3).
TranscriptError error_on(const std::string& line) {
  TranscriptError e = error_of(header + session1 + line + "\n");
  EXPECT_EQ(e.line(), 3u) << e.what();
  return e;
}

TEST(TranscriptReader, ReadsTheHeader) {
  std::istringstream in("{\"type\":\"transcript\",\"version\":\"1.0\",\"meta\":{\"by\":\"me\"}}\n");
  TranscriptReader reader(in);
  EXPECT_EQ(reader.header(), (Header{1, 0, {{"by", "me"}}}));
  EXPECT_EQ(reader.line(), 1u);
  EXPECT_EQ(reader.next(), std::nullopt);
}

TEST(TranscriptReader, ReadsASession) {
  const std::vector<Event> events = read_all(
      header +
      "{\"type\":\"session\",\"session\":4,\"start\":77,\"role\":\"client\",\"host\":\"tcp:[::1]:"
      "1\",\"peer\":\"unix:/x\",\"meta\":{\"k\":\"v\\u00ff\"}}\n");
  EXPECT_THAT(events, ElementsAre(Event(SessionStart{
                          4, 77ns, Role::client, "tcp:[::1]:1", "unix:/x", {{"k", "v\xff"}}})));
}

TEST(TranscriptReader, ReadsTextData) {
  EXPECT_EQ(event_of("{\"type\":\"data\",\"session\":1,\"t\":5,\"from\":\"peer\",\"text\":"
                     "\"hi\\r\\n\\u0000\\u00e9\\\"\"}"),
            Event(Data{1, 5ns, Side::peer, std::string("hi\r\n\0\xe9\"", 7)}));
}

TEST(TranscriptReader, ReadsBase64Data) {
  EXPECT_EQ(event_of("{\"type\":\"data\",\"session\":1,\"t\":5,\"from\":\"host\",\"base64\":"
                     "\"AAH/\"}"),
            Event(Data{1, 5ns, Side::host, std::string("\x00\x01\xff", 3)}));
  EXPECT_EQ(event_of("{\"type\":\"data\",\"session\":1,\"t\":5,\"from\":\"host\",\"base64\":"
                     "\"\"}"),
            Event(Data{1, 5ns, Side::host, ""}));
}

TEST(TranscriptReader, ReadsEachCloseKind) {
  EXPECT_EQ(event_of("{\"type\":\"close\",\"session\":1,\"t\":1,\"by\":\"peer\",\"how\":\"fin\"}"),
            Event(Close{1, 1ns, Side::peer, CloseKind::fin}));
  EXPECT_EQ(
      event_of("{\"type\":\"close\",\"session\":1,\"t\":1,\"by\":\"host\",\"how\":\"reset\"}"),
      Event(Close{1, 1ns, Side::host, CloseKind::reset}));
  EXPECT_EQ(
      event_of("{\"type\":\"close\",\"session\":1,\"t\":1,\"by\":\"host\",\"how\":\"abort\"}"),
      Event(Close{1, 1ns, Side::host, CloseKind::abort}));
}

TEST(TranscriptReader, ReadsClockReadsRandomDrawsAndTheEnd) {
  EXPECT_EQ(event_of("{\"type\":\"now\",\"session\":1,\"t\":9223372036854775807}"),
            Event(ClockRead{1, Duration{9223372036854775807}}));
  EXPECT_EQ(event_of("{\"type\":\"random\",\"session\":1,\"t\":2,\"base64\":\"AQIDBA==\"}"),
            Event(RandomDraw{1, 2ns, "\x01\x02\x03\x04"}));
  EXPECT_EQ(event_of("{\"type\":\"end\",\"session\":1,\"t\":3}"), Event(SessionEnd{1, 3ns}));
}

TEST(TranscriptReader, TakesKeysInAnyOrderAndSpacing) {
  EXPECT_EQ(event_of("{ \"t\" : 5, \"from\":\"peer\", \"text\":\"x\", \"session\":1, "
                     "\"type\":\"data\" }"),
            Event(Data{1, 5ns, Side::peer, "x"}));
}

TEST(TranscriptReader, TakesCrlfLineEnds) {
  EXPECT_THAT(read_all("{\"type\":\"transcript\",\"version\":\"1.0\"}\r\n"
                       "{\"type\":\"session\",\"session\":1,\"start\":0,\"role\":\"server\","
                       "\"host\":\"h\",\"peer\":\"p\"}\r\n"),
              ElementsAre(Event(SessionStart{1, 0ns, Role::server, "h", "p", {}})));
}

TEST(TranscriptReader, IgnoresUnknownKeysOfANewerMinorVersion) {
  std::istringstream in("{\"type\":\"transcript\",\"version\":\"1.7\",\"future\":1}\n" + session1 +
                        "{\"type\":\"now\",\"session\":1,\"t\":3,\"nanos_per_tick\":1}\n");
  TranscriptReader reader(in);
  EXPECT_EQ(reader.header().minor, 7);
  reader.next();
  EXPECT_EQ(reader.next(), Event(ClockRead{1, 3ns}));
}

TEST(TranscriptReader, RefusesUnknownKeysOfItsOwnVersion) {
  EXPECT_THAT(error_on("{\"type\":\"now\",\"session\":1,\"t\":3,\"tt\":1}").what(),
              HasSubstr("a \"now\" line with an unknown key \"tt\""));
  EXPECT_THAT(error_of("{\"type\":\"transcript\",\"version\":\"1.0\",\"x\":1}\n").what(),
              HasSubstr("unknown key \"x\""));
}

TEST(TranscriptReader, RefusesAnotherMajorVersion) {
  const TranscriptError e = error_of("{\"type\":\"transcript\",\"version\":\"2.0\"}\n");
  EXPECT_EQ(e.line(), 1u);
  EXPECT_STREQ(e.what(),
               "transcript line 1: transcript version 2.0 is not supported (this reader reads "
               "version 1.x)");
  EXPECT_THAT(error_of("{\"type\":\"transcript\",\"version\":\"0.9\"}\n").what(),
              HasSubstr("0.9 is not supported"));
}

TEST(TranscriptReader, RefusesAMalformedVersion) {
  for (const char* version : {"\"1\"", "\"1.\"", "\".1\"", "\"1.0.0\"", "\"a.b\"", "1.0", "\"\""}) {
    EXPECT_THAT(
        error_of(std::string("{\"type\":\"transcript\",\"version\":") + version + "}\n").what(),
        HasSubstr("not \"MAJOR.MINOR\""))
        << version;
  }
}

TEST(TranscriptReader, RefusesAnEmptyFile) {
  const TranscriptError e = error_of("");
  EXPECT_EQ(e.line(), 1u);
  EXPECT_THAT(e.what(), HasSubstr("an empty file"));
}

TEST(TranscriptReader, RefusesAFileThatDoesNotStartWithTheHeader) {
  EXPECT_THAT(error_of("hello\n").what(),
              HasSubstr("transcript line 1: not a transcript: the first line must be the header"));
  EXPECT_THAT(error_of(session1).what(), HasSubstr("a \"session\" line first"));
}

TEST(TranscriptReader, RefusesASecondHeader) {
  EXPECT_THAT(error_on("{\"type\":\"transcript\",\"version\":\"1.0\"}").what(),
              HasSubstr("a second header"));
}

TEST(TranscriptReader, RefusesWhatIsNotAJsonObject) {
  EXPECT_THAT(error_on("").what(), HasSubstr("transcript line 3: an empty line"));
  EXPECT_THAT(error_on("[1,2]").what(), HasSubstr("must start with '{'"));
  EXPECT_THAT(error_on("{\"type\":\"now\",").what(), HasSubstr("not JSON (at byte"));
  EXPECT_THAT(error_on("{\"type\":\"now\"} {}").what(), HasSubstr("not JSON"));
  EXPECT_THAT(error_on("{\"type\":\"now\",\"session\":1,\"t\":1E999999}").what(),
              HasSubstr("not JSON: number overflow"));
  EXPECT_THAT(error_on("{\"session\":1}").what(), HasSubstr("an object without a \"type\""));
  EXPECT_THAT(error_on("{\"type\":3}").what(), HasSubstr("an object without a \"type\""));
}

TEST(TranscriptReader, RefusesAnUnknownEventType) {
  EXPECT_THAT(error_on("{\"type\":\"datagram\",\"session\":1,\"t\":0}").what(),
              HasSubstr("unknown event type \"datagram\""));
  // What the input said is shown escaped and cut short.
  const TranscriptError long_type =
      error_on("{\"type\":\"\\u0007" + std::string(1000, 'x') + "\",\"session\":1,\"t\":0}");
  EXPECT_THAT(long_type.what(), HasSubstr("unknown event type \"\\u0007xxx"));
  EXPECT_THAT(long_type.what(), HasSubstr("xxx\"... (known:"));
  EXPECT_LT(std::string(long_type.what()).size(), 200u);
}

TEST(TranscriptReader, RefusesMissingFields) {
  EXPECT_THAT(error_on("{\"type\":\"data\",\"session\":1,\"from\":\"peer\",\"text\":\"\"}").what(),
              HasSubstr("a \"data\" line without \"t\""));
  EXPECT_THAT(error_on("{\"type\":\"end\",\"t\":0}").what(),
              HasSubstr("a \"end\" line without \"session\""));
  EXPECT_THAT(error_on("{\"type\":\"close\",\"session\":1,\"t\":0,\"by\":\"peer\"}").what(),
              HasSubstr("without \"how\""));
}

TEST(TranscriptReader, RefusesTimesThatAreNotNonNegativeIntegers) {
  EXPECT_THAT(error_on("{\"type\":\"now\",\"session\":1,\"t\":-1}").what(),
              HasSubstr("\"t\" is negative"));
  EXPECT_THAT(error_on("{\"type\":\"now\",\"session\":1,\"t\":1.5}").what(),
              HasSubstr("\"t\" is not an integer"));
  EXPECT_THAT(error_on("{\"type\":\"now\",\"session\":1,\"t\":\"5\"}").what(),
              HasSubstr("\"t\" is not an integer"));
  EXPECT_THAT(error_on("{\"type\":\"now\",\"session\":1,\"t\":9223372036854775808}").what(),
              HasSubstr("\"t\" is too large"));
  EXPECT_THAT(error_on("{\"type\":\"now\",\"session\":-2,\"t\":0}").what(),
              HasSubstr("\"session\" is negative"));
}

TEST(TranscriptReader, RefusesAnUnknownSideRoleOrCloseKind) {
  EXPECT_THAT(
      error_on("{\"type\":\"data\",\"session\":1,\"t\":0,\"from\":\"me\",\"text\":\"\"}").what(),
      HasSubstr("\"from\" is \"me\", not \"host\" or \"peer\""));
  EXPECT_THAT(
      error_on("{\"type\":\"close\",\"session\":1,\"t\":0,\"by\":\"peer\",\"how\":1}").what(),
      HasSubstr("\"how\" is 1, not \"fin\", \"reset\" or \"abort\""));
  EXPECT_THAT(error_on("{\"type\":\"session\",\"session\":2,\"start\":0,\"role\":\"proxy\","
                       "\"host\":\"\",\"peer\":\"\"}")
                  .what(),
              HasSubstr("\"role\" is \"proxy\", not \"server\" or \"client\""));
}

TEST(TranscriptReader, RefusesBytesGivenTwiceOrNotAtAll) {
  EXPECT_THAT(error_on("{\"type\":\"data\",\"session\":1,\"t\":0,\"from\":\"peer\",\"text\":\"a\","
                       "\"base64\":\"YQ==\"}")
                  .what(),
              HasSubstr("exactly one of \"text\" and \"base64\""));
  EXPECT_THAT(error_on("{\"type\":\"random\",\"session\":1,\"t\":0}").what(),
              HasSubstr("a \"random\" line needs exactly one of"));
}

TEST(TranscriptReader, RefusesBadBase64) {
  for (const char* bad : {"YQ=", "Y===", "YQ=A", "Y!==", "YR==", "YQ==YQ=="}) {
    EXPECT_THAT(error_on(std::string("{\"type\":\"random\",\"session\":1,\"t\":0,\"base64\":\"") +
                         bad + "\"}")
                    .what(),
                HasSubstr("not canonical padded base64"))
        << bad;
  }
}

TEST(TranscriptReader, RefusesTextCharactersAboveOneByte) {
  EXPECT_THAT(
      error_on("{\"type\":\"data\",\"session\":1,\"t\":0,\"from\":\"peer\",\"text\":\"\\u0100\"}")
          .what(),
      HasSubstr("\"text\" has a character above U+00FF"));
  // Raw UTF-8 for U+00E9 is the one byte 0xE9; U+20AC is not a byte.
  EXPECT_EQ(event_of("{\"type\":\"data\",\"session\":1,\"t\":0,\"from\":\"peer\",\"text\":"
                     "\"\xc3\xa9\"}"),
            Event(Data{1, 0ns, Side::peer, "\xe9"}));
  EXPECT_THAT(error_on("{\"type\":\"data\",\"session\":1,\"t\":0,\"from\":\"peer\",\"text\":"
                       "\"\xe2\x82\xac\"}")
                  .what(),
              HasSubstr("above U+00FF"));
}

TEST(TranscriptReader, RefusesInvalidUtf8) {
  EXPECT_THAT(error_on("{\"type\":\"data\",\"session\":1,\"t\":0,\"from\":\"peer\",\"text\":"
                       "\"\xe9\"}")
                  .what(),
              HasSubstr("not JSON"));
}

TEST(TranscriptReader, RefusesMetaThatIsNotStrings) {
  EXPECT_THAT(error_of("{\"type\":\"transcript\",\"version\":\"1.0\",\"meta\":[1]}\n").what(),
              HasSubstr("\"meta\" is not an object"));
  EXPECT_THAT(
      error_of("{\"type\":\"transcript\",\"version\":\"1.0\",\"meta\":{\"a\":{}}}\n").what(),
      HasSubstr("\"meta\" is not a string"));
}

TEST(TranscriptReader, RefusesALastLineWithoutANewline) {
  const TranscriptError e =
      error_of(header + session1 + "{\"type\":\"end\",\"session\":1,\"t\":0}");
  EXPECT_EQ(e.line(), 3u);
  EXPECT_THAT(e.what(), HasSubstr("the last line has no newline"));
}

TEST(TranscriptReader, RefusesALineOverTheLimitWithoutBufferingIt) {
  std::istringstream in(header + session1 + "{\"type\":\"data\"" + std::string(1000, ' ') + "}\n");
  TranscriptReader reader(in, {.max_line_length = 200});
  reader.next();
  try {
    reader.next();
    ADD_FAILURE() << "read a line over the limit";
  } catch (const TranscriptError& e) {
    EXPECT_EQ(e.line(), 3u);
    EXPECT_THAT(e.what(), HasSubstr("a line longer than the limit of 200 bytes"));
  }
  // It stopped at the limit instead of reading the line to its end.
  EXPECT_LT(static_cast<std::size_t>(in.tellg()), header.size() + session1.size() + 201);
}

TEST(TranscriptReader, AcceptsALineOfExactlyTheLimit) {
  const std::string line = "{\"type\":\"end\",\"session\":1,\"t\":0}\n";
  std::istringstream in(header + session1 + line);
  TranscriptReader reader(in, {.max_line_length = session1.size()});
  reader.next();
  EXPECT_EQ(reader.next(), Event(SessionEnd{1, 0ns}));
}

TEST(TranscriptReader, RefusesBrokenSessionRules) {
  EXPECT_THAT(error_on("{\"type\":\"now\",\"session\":2,\"t\":0}").what(),
              HasSubstr("session 2 has an event before its session line"));
  EXPECT_THAT(error_on(session1.substr(0, session1.size() - 1)).what(),
              HasSubstr("session 1 starts a second time"));
  const TranscriptError back = error_of(header + session1 +
                                        "{\"type\":\"now\",\"session\":1,\"t\":5}\n"
                                        "{\"type\":\"now\",\"session\":1,\"t\":4}\n");
  EXPECT_EQ(back.line(), 4u);
  EXPECT_THAT(back.what(), HasSubstr("session 1 goes back in time: 4 ns after 5 ns"));
  const TranscriptError after_close =
      error_of(header + session1 +
               "{\"type\":\"close\",\"session\":1,\"t\":0,\"by\":\"peer\",\"how\":\"reset\"}\n"
               "{\"type\":\"data\",\"session\":1,\"t\":0,\"from\":\"peer\",\"text\":\"x\"}\n");
  EXPECT_THAT(after_close.what(),
              HasSubstr("line 4: session 1 has data from the peer after it closed (reset)"));
  EXPECT_THAT(error_of(header + session1 +
                       "{\"type\":\"end\",\"session\":1,\"t\":0}\n"
                       "{\"type\":\"now\",\"session\":1,\"t\":0}\n")
                  .what(),
              HasSubstr("line 4: session 1 has an event after its end"));
}

TEST(TranscriptReader, StaysFailedAfterAnError) {
  std::istringstream in(header + "junk\n" + session1);
  TranscriptReader reader(in);
  EXPECT_THROW(reader.next(), TranscriptError);
  try {
    reader.next();
    ADD_FAILURE() << "read on after an error";
  } catch (const TranscriptError& e) {
    EXPECT_EQ(e.line(), 2u);
  }
}

TEST(TranscriptReader, ReadsInterleavedSessionsAndSaysWhichAreLeftOpen) {
  std::istringstream in(
      header + session1 +
      "{\"type\":\"session\",\"session\":2,\"start\":10,\"role\":\"server\",\"host\":\"h\","
      "\"peer\":\"q\"}\n"
      "{\"type\":\"data\",\"session\":2,\"t\":1,\"from\":\"peer\",\"text\":\"b\"}\n"
      "{\"type\":\"data\",\"session\":1,\"t\":1,\"from\":\"peer\",\"text\":\"a\"}\n"
      "{\"type\":\"end\",\"session\":2,\"t\":2}\n");
  TranscriptReader reader(in);
  std::vector<SessionId> order;
  reader.for_each([&](const Event& e) { order.push_back(session_of(e)); });
  EXPECT_THAT(order, ElementsAre(1, 2, 2, 1, 2));
  EXPECT_THAT(reader.open_sessions(), ElementsAre(1));
  EXPECT_EQ(reader.line(), 6u);
}

TEST(TranscriptReader, ReadsAFile) {
  const char* dir = std::getenv("TEST_TMPDIR");
  const std::filesystem::path path =
      (dir ? std::filesystem::path(dir) : std::filesystem::temp_directory_path()) / "r.transcript";
  std::ofstream(path) << header << session1 << "{\"type\":\"end\",\"session\":1,\"t\":0}\n";
  TranscriptReader reader(path);
  reader.next();
  EXPECT_EQ(reader.next(), Event(SessionEnd{1, 0ns}));
  EXPECT_EQ(reader.next(), std::nullopt);
  EXPECT_THAT(reader.open_sessions(), IsEmpty());
}

// FORMAT.md's first example is a transcript that reads, so the description cannot drift
// from the code.
TEST(TranscriptReader, ReadsTheExampleInFormatMd) {
  std::ifstream doc("testing/transcript/FORMAT.md");
  ASSERT_TRUE(doc) << "FORMAT.md is not in the test's runfiles";
  const std::string text(std::istreambuf_iterator<char>(doc), {});
  const std::size_t begin = text.find("```\n");
  ASSERT_NE(begin, std::string::npos);
  const std::size_t end = text.find("```", begin + 4);
  ASSERT_NE(end, std::string::npos);
  std::istringstream in(text.substr(begin + 4, end - begin - 4));
  TranscriptReader reader(in);
  EXPECT_EQ(reader.header().meta.at("recorded_by"), "protokit record");
  std::vector<Event> events;
  reader.for_each([&](const Event& e) { events.push_back(e); });
  ASSERT_EQ(events.size(), 9u);
  EXPECT_EQ(std::get<RandomDraw>(events[1]).bytes.size(), 16u);
  EXPECT_EQ(events[4], Event(Data{1, 1300000ns, Side::peer, "hello"}));
  EXPECT_THAT(reader.open_sessions(), IsEmpty());
}

TEST(TranscriptReader, SaysWhenAFileCannotBeOpened) {
  try {
    TranscriptReader reader(std::filesystem::path("/nonexistent/x.transcript"));
    ADD_FAILURE() << "opened a missing file";
  } catch (const TranscriptError& e) {
    EXPECT_EQ(e.line(), 0u);
    EXPECT_STREQ(e.what(), "transcript: cannot open /nonexistent/x.transcript");
  }
}

}  // namespace
}  // namespace kit::testing::transcript
