#include "testing/transcript/transcript_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "testing/transcript/transcript_error.h"

namespace kit::testing::transcript {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr const char* header_line = "{\"type\":\"transcript\",\"version\":\"1.0\"}\n";

SessionStart start(SessionId id) {
  return SessionStart{id, Duration{0}, Role::server, "tcp:127.0.0.1:8000", "tcp:127.0.0.1:5000"};
}

// The lines written after the header, for one event.
std::string line_of(const Event& event) {
  std::ostringstream out;
  TranscriptWriter writer(out);
  if (!std::holds_alternative<SessionStart>(event)) writer.write(start(session_of(event)));
  const std::size_t before = out.str().size();
  writer.write(event);
  return out.str().substr(before);
}

TEST(TranscriptWriter, StartsWithTheHeader) {
  std::ostringstream out;
  TranscriptWriter writer(out);
  EXPECT_EQ(out.str(), header_line);
  EXPECT_EQ(writer.lines(), 1u);
}

// The form docs/testing.md shows: designated initializers, fields left out take defaults.
TEST(TranscriptWriter, TakesEventsWithDesignatedInitializers) {
  std::ostringstream out;
  TranscriptWriter writer(out);
  writer.write(
      SessionStart{.session = 1, .host = "tcp:127.0.0.1:8000", .peer = "tcp:127.0.0.1:5000"});
  writer.write(Data{.session = 1, .t = 1ms, .from = Side::peer, .bytes = "hi\r\n"});
  writer.write(SessionEnd{.session = 1, .t = 2ms});
  EXPECT_EQ(out.str(), std::string(header_line) +
                           "{\"type\":\"session\",\"session\":1,\"start\":0,\"role\":\"server\","
                           "\"host\":\"tcp:127.0.0.1:8000\",\"peer\":\"tcp:127.0.0.1:5000\"}\n"
                           "{\"type\":\"data\",\"session\":1,\"t\":1000000,\"from\":\"peer\","
                           "\"text\":\"hi\\r\\n\"}\n"
                           "{\"type\":\"end\",\"session\":1,\"t\":2000000}\n");
  EXPECT_TRUE(writer.open_sessions().empty());
}

TEST(TranscriptWriter, WritesTheHeaderMetaSorted) {
  std::ostringstream out;
  TranscriptWriter writer(out, {.meta = {{"z", "last"}, {"a", "first"}}});
  EXPECT_EQ(out.str(),
            "{\"type\":\"transcript\",\"version\":\"1.0\",\"meta\":{\"a\":\"first\",\"z\":"
            "\"last\"}}\n");
}

TEST(TranscriptWriter, WritesASessionLine) {
  SessionStart s = start(7);
  s.start = 1500ns;
  s.role = Role::client;
  s.meta = {{"protocol", "echo"}};
  EXPECT_EQ(line_of(s),
            "{\"type\":\"session\",\"session\":7,\"start\":1500,\"role\":\"client\",\"host\":"
            "\"tcp:127.0.0.1:8000\",\"peer\":\"tcp:127.0.0.1:5000\",\"meta\":{\"protocol\":"
            "\"echo\"}}\n");
}

TEST(TranscriptWriter, WritesTextDataAsText) {
  EXPECT_EQ(line_of(Data{1, 42ns, Side::peer, "GET / HTTP/1.1\r\n\t\"x\\y\""}),
            "{\"type\":\"data\",\"session\":1,\"t\":42,\"from\":\"peer\",\"text\":\"GET / "
            "HTTP/1.1\\r\\n\\t\\\"x\\\\y\\\"\"}\n");
}

TEST(TranscriptWriter, EscapesAFewBinaryBytesInText) {
  // 2 bytes of 16 need an escape: at most one in eight stays text.
  EXPECT_EQ(line_of(Data{1, 0ns, Side::host, std::string("abcdefg\0hijklmn\x7f", 16)}),
            "{\"type\":\"data\",\"session\":1,\"t\":0,\"from\":\"host\",\"text\":"
            "\"abcdefg\\u0000hijklmn\\u007f\"}\n");
  EXPECT_EQ(line_of(Data{1, 0ns, Side::host, "abcdefg\xe9"}),
            "{\"type\":\"data\",\"session\":1,\"t\":0,\"from\":\"host\",\"text\":"
            "\"abcdefg\\u00e9\"}\n");
}

TEST(TranscriptWriter, WritesMostlyBinaryDataAsBase64) {
  EXPECT_EQ(line_of(Data{1, 3ns, Side::host, std::string("\x00\x01\xff", 3)}),
            "{\"type\":\"data\",\"session\":1,\"t\":3,\"from\":\"host\",\"base64\":\"AAH/\"}\n");
  EXPECT_EQ(line_of(Data{1, 3ns, Side::host, "\xfe"}),
            "{\"type\":\"data\",\"session\":1,\"t\":3,\"from\":\"host\",\"base64\":\"/g==\"}\n");
}

TEST(TranscriptWriter, WritesAnEmptyChunk) {
  EXPECT_EQ(line_of(Data{1, 0ns, Side::peer, ""}),
            "{\"type\":\"data\",\"session\":1,\"t\":0,\"from\":\"peer\",\"text\":\"\"}\n");
}

TEST(TranscriptWriter, WritesEachCloseKind) {
  EXPECT_EQ(line_of(Close{1, 9ns, Side::peer, CloseKind::fin}),
            "{\"type\":\"close\",\"session\":1,\"t\":9,\"by\":\"peer\",\"how\":\"fin\"}\n");
  EXPECT_EQ(line_of(Close{1, 9ns, Side::host, CloseKind::reset}),
            "{\"type\":\"close\",\"session\":1,\"t\":9,\"by\":\"host\",\"how\":\"reset\"}\n");
  EXPECT_EQ(line_of(Close{1, 9ns, Side::host, CloseKind::abort}),
            "{\"type\":\"close\",\"session\":1,\"t\":9,\"by\":\"host\",\"how\":\"abort\"}\n");
}

TEST(TranscriptWriter, WritesClockReadsRandomDrawsAndTheEnd) {
  EXPECT_EQ(line_of(ClockRead{2, 1000000000ns}),
            "{\"type\":\"now\",\"session\":2,\"t\":1000000000}\n");
  EXPECT_EQ(line_of(RandomDraw{2, 5ns, std::string("\x01\x02\x03\x04", 4)}),
            "{\"type\":\"random\",\"session\":2,\"t\":5,\"base64\":\"AQIDBA==\"}\n");
  EXPECT_EQ(line_of(SessionEnd{2, 6ns}), "{\"type\":\"end\",\"session\":2,\"t\":6}\n");
}

TEST(TranscriptWriter, WritesTheLargestTimesAndIds) {
  EXPECT_EQ(line_of(ClockRead{18446744073709551615u, Duration{9223372036854775807}}),
            "{\"type\":\"now\",\"session\":18446744073709551615,\"t\":9223372036854775807}\n");
}

// A refused event throws, and leaves the output and the rules as they were.
void expect_refused(TranscriptWriter& writer, const std::ostringstream& out, const Event& event,
                    const std::string& reason) {
  const std::string before = out.str();
  try {
    writer.write(event);
    ADD_FAILURE() << "wrote " << event;
  } catch (const TranscriptError& e) {
    EXPECT_THAT(e.what(), HasSubstr(reason));
  }
  EXPECT_EQ(out.str(), before);
}

TEST(TranscriptWriter, RefusesAnEventBeforeItsSession) {
  std::ostringstream out;
  TranscriptWriter writer(out);
  expect_refused(writer, out, Data{3, 0ns, Side::peer, "x"},
                 "session 3 has an event before its session line");
}

TEST(TranscriptWriter, RefusesASecondStart) {
  std::ostringstream out;
  TranscriptWriter writer(out);
  writer.write(start(1));
  expect_refused(writer, out, start(1), "session 1 starts a second time");
}

TEST(TranscriptWriter, RefusesNegativeTimes) {
  std::ostringstream out;
  TranscriptWriter writer(out);
  SessionStart s = start(1);
  s.start = -1ns;
  expect_refused(writer, out, s, "session 1 starts at a negative time");
  writer.write(start(1));
  expect_refused(writer, out, ClockRead{1, -5ns}, "session 1 has a negative time");
}

TEST(TranscriptWriter, RefusesTimeGoingBack) {
  std::ostringstream out;
  TranscriptWriter writer(out);
  writer.write(start(1));
  writer.write(ClockRead{1, 10ns});
  expect_refused(writer, out, Data{1, 9ns, Side::peer, "x"},
                 "session 1 goes back in time: 9 ns after 10 ns");
  writer.write(Data{1, 10ns, Side::peer, "x"});
}

TEST(TranscriptWriter, RefusesDataFromASideThatClosed) {
  std::ostringstream out;
  TranscriptWriter writer(out);
  writer.write(start(1));
  writer.write(Close{1, 0ns, Side::peer, CloseKind::fin});
  expect_refused(writer, out, Data{1, 0ns, Side::peer, "x"},
                 "session 1 has data from the peer after it closed (fin)");
  // The other side may still send: a half-close.
  writer.write(Data{1, 0ns, Side::host, "answer"});
}

TEST(TranscriptWriter, LetsAFinTurnIntoAnAbortButNothingAfterThat) {
  std::ostringstream out;
  TranscriptWriter writer(out);
  writer.write(start(1));
  writer.write(Close{1, 0ns, Side::host, CloseKind::fin});
  expect_refused(writer, out, Close{1, 0ns, Side::host, CloseKind::fin},
                 "the host closes (fin) after it closed (fin)");
  writer.write(Close{1, 0ns, Side::host, CloseKind::abort});
  expect_refused(writer, out, Close{1, 0ns, Side::host, CloseKind::reset},
                 "the host closes (reset) after it closed (abort)");
}

TEST(TranscriptWriter, RefusesEventsAfterTheEnd) {
  std::ostringstream out;
  TranscriptWriter writer(out);
  writer.write(start(1));
  writer.write(SessionEnd{1, 0ns});
  expect_refused(writer, out, ClockRead{1, 1ns}, "session 1 has an event after its end");
  expect_refused(writer, out, start(1), "session 1 starts a second time");
}

TEST(TranscriptWriter, RefusesALineOverTheLimit) {
  std::ostringstream out;
  TranscriptWriter writer(out, {.max_line_length = 200});
  writer.write(start(1));
  writer.write(Data{1, 0ns, Side::peer, std::string(100, 'x')});
  expect_refused(writer, out, Data{1, 0ns, Side::peer, std::string(150, 'x')},
                 "longer than the line limit (200)");
}

TEST(TranscriptWriter, TracksOpenSessions) {
  std::ostringstream out;
  TranscriptWriter writer(out);
  writer.write(start(5));
  writer.write(start(2));
  writer.write(start(9));
  writer.write(SessionEnd{5, 0ns});
  EXPECT_THAT(writer.open_sessions(), ElementsAre(2, 9));
}

TEST(TranscriptWriter, RefusesWritesAfterClose) {
  std::ostringstream out;
  TranscriptWriter writer(out);
  writer.close();
  writer.close();
  EXPECT_THROW(writer.write(start(1)), TranscriptError);
}

// A stream buffer that counts flushes (sync) and keeps what reaches it.
class CountingBuffer : public std::stringbuf {
 public:
  int syncs = 0;

 protected:
  int sync() override {
    ++syncs;
    return std::stringbuf::sync();
  }
};

TEST(TranscriptWriter, FlushesEachEventByDefault) {
  CountingBuffer buffer;
  std::ostream out(&buffer);
  TranscriptWriter writer(out);
  const int after_header = buffer.syncs;
  writer.write(start(1));
  writer.write(ClockRead{1, 0ns});
  EXPECT_EQ(buffer.syncs, after_header + 2);
}

TEST(TranscriptWriter, FlushesOnlyWhenAskedIfToldSo) {
  CountingBuffer buffer;
  std::ostream out(&buffer);
  TranscriptWriter writer(out, {.flush_each_event = false});
  writer.write(start(1));
  writer.write(ClockRead{1, 0ns});
  EXPECT_EQ(buffer.syncs, 0);
  writer.flush();
  EXPECT_EQ(buffer.syncs, 1);
}

TEST(TranscriptWriter, ReportsAFailedStream) {
  std::ostringstream out;
  TranscriptWriter writer(out);
  out.setstate(std::ios::badbit);
  EXPECT_THROW(writer.write(start(1)), TranscriptError);
}

std::filesystem::path temp_dir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir ? std::filesystem::path(dir) : std::filesystem::temp_directory_path();
}

std::string contents(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(TranscriptWriter, WritesAFileUnderAPartialNameUntilClosed) {
  const std::filesystem::path path = temp_dir() / "partial.transcript";
  std::filesystem::remove(path);
  TranscriptWriter writer(path);
  EXPECT_EQ(writer.partial_path(), path.string() + ".partial");
  writer.write(start(1));
  // Flushed per event: what a stopped recorder leaves is readable so far.
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(contents(writer.partial_path()),
            std::string(header_line) +
                "{\"type\":\"session\",\"session\":1,\"start\":0,\"role\":"
                "\"server\",\"host\":\"tcp:127.0.0.1:8000\",\"peer\":"
                "\"tcp:127.0.0.1:5000\"}\n");
  writer.close();
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(writer.partial_path()));
  EXPECT_THAT(contents(path), HasSubstr("\"session\":1"));
}

TEST(TranscriptWriter, ClosesTheFileWhenDestroyed) {
  const std::filesystem::path path = temp_dir() / "destroyed.transcript";
  std::filesystem::remove(path);
  { TranscriptWriter writer(path); }
  EXPECT_EQ(contents(path), header_line);
}

TEST(TranscriptWriter, SaysWhenTheFileCannotBeCreated) {
  try {
    TranscriptWriter writer(temp_dir() / "no such dir" / "x.transcript");
    ADD_FAILURE() << "created a file in a missing directory";
  } catch (const TranscriptError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot create"));
    EXPECT_EQ(e.line(), 0u);
  }
}

}  // namespace
}  // namespace kit::testing::transcript
