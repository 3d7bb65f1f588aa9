// SessionRecorder and RecordingFactory on StringTransport and the loopback pair, with a
// FakeContext: each transcript is read back with TranscriptReader and compared event by
// event, times included.
#include "testing/transcript/session_recorder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fakes/fake_clock.h"
#include "fakes/fake_context.h"
#include "fakes/loopback.h"
#include "fakes/string_transport.h"
#include "kit/factory.h"
#include "protocols/basic/line_only_receiver.h"
#include "protocols/upload/memory_upload_store.h"
#include "protocols/upload/upload_server.h"
#include "testing/transcript/transcript_reader.h"
#include "testing/transcript/transcript_writer.h"

namespace kit::testing::transcript {
namespace {

using std::chrono::milliseconds;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Shout: answers each line in capitals; a few lines are commands that close the
// connection one way or another, or read the clock. It keeps the chunks it was given.
class Shout final : public protocols::LineOnlyReceiver {
 public:
  explicit Shout(std::vector<std::string>* chunks = nullptr) : chunks_(chunks) {}

  void data_received(std::string_view data) override {
    if (chunks_ != nullptr) chunks_->emplace_back(data);
    LineOnlyReceiver::data_received(data);
  }

  void line_received(std::string_view line) override {
    if (line == "QUIT") {
      send_line("BYE");
      transport()->lose_connection();
      send_line("late");  // dropped: the transport ignores writes after a close
    } else if (line == "ABORT") {
      transport()->abort_connection();
    } else if (line == "FINABORT") {
      transport()->lose_connection();
      transport()->abort_connection();
    } else if (line == "HALF") {
      send_line("HALF");
      transport()->half_close();
    } else if (line == "TIME") {
      send_line(std::to_string(clock().now().time_since_epoch().count()));
    } else {
      std::string upper(line);
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      send_line(upper);
    }
  }

 private:
  std::vector<std::string>* chunks_;
};

std::vector<Event> read_all(const std::string& text) {
  std::istringstream in(text);
  TranscriptReader reader(in);
  std::vector<Event> events;
  while (std::optional<Event> event = reader.next()) events.push_back(std::move(*event));
  return events;
}

std::vector<Close> closes_of(const std::vector<Event>& events) {
  std::vector<Close> closes;
  for (const Event& event : events) {
    if (const auto* close = std::get_if<Close>(&event)) closes.push_back(*close);
  }
  return closes;
}

// bytes_from: the bytes one side of `session` sent, all chunks joined.
std::string bytes_from(const std::vector<Event>& events, SessionId session, Side from) {
  std::string bytes;
  for (const Event& event : events) {
    const auto* data = std::get_if<Data>(&event);
    if (data != nullptr && data->session == session && data->from == from) bytes += data->bytes;
  }
  return bytes;
}

std::string hex(std::string_view bytes) {
  std::string out;
  char digits[3];
  for (unsigned char c : bytes) {
    std::snprintf(digits, sizeof digits, "%02x", c);
    out += digits;
  }
  return out;
}

class SessionRecorderTest : public ::testing::Test {
 protected:
  SessionRecorderTest() {
    transport_.set_context(context_);
    transport_.set_clock(&context_.clock());
  }

  // connect: `protocol` behind a recorder of session 1 on the transport.
  SessionRecorder& connect(std::unique_ptr<Protocol> protocol) {
    recorder_ = std::make_unique<SessionRecorder>(std::move(protocol), writer_,
                                                  SessionRecorder::Options{.session = 1});
    transport_.connect(*recorder_);
    return *recorder_;
  }

  void advance(Duration by) { context_.clock().advance(by); }
  std::vector<Event> events() { return read_all(out_.str()); }

  fakes::FakeContext context_{/*seed=*/7};
  fakes::StringTransport transport_{Address::tcp("192.0.2.9", 40000),
                                    Address::tcp("192.0.2.1", 7000)};
  std::ostringstream out_;
  TranscriptWriter writer_{out_};
  std::unique_ptr<SessionRecorder> recorder_;
};

TEST_F(SessionRecorderTest, LineSessionReadsBackWithExactChunksAndTimes) {
  // The clock is not at zero when the session starts: times are relative to the start.
  advance(std::chrono::seconds(100));
  SessionRecorder& recorder = connect(std::make_unique<Shout>());
  advance(milliseconds(1));
  transport_.receive("hel");
  advance(milliseconds(2));
  transport_.receive("lo\r\nTIME\r\n");
  advance(milliseconds(3));
  transport_.receive("QUIT\r\n");

  EXPECT_EQ(transport_.value(), "HELLO\r\n100003000000\r\nBYE\r\n");
  EXPECT_FALSE(transport_.connected());
  EXPECT_FALSE(recorder.recording_error());
  const SessionId s = 1;
  EXPECT_THAT(
      events(),
      ElementsAre(
          Event(SessionStart{.session = s,
                             .start = Duration(0),
                             .role = Role::server,
                             .host = "tcp:192.0.2.1:7000",
                             .peer = "tcp:192.0.2.9:40000"}),
          Event(Data{.session = s, .t = milliseconds(1), .from = Side::peer, .bytes = "hel"}),
          Event(Data{
              .session = s, .t = milliseconds(3), .from = Side::peer, .bytes = "lo\r\nTIME\r\n"}),
          // send_line() is one write_sequence() of two pieces: two chunks.
          Event(Data{.session = s, .t = milliseconds(3), .from = Side::host, .bytes = "HELLO"}),
          Event(Data{.session = s, .t = milliseconds(3), .from = Side::host, .bytes = "\r\n"}),
          Event(ClockRead{.session = s, .t = milliseconds(3)}),
          Event(Data{
              .session = s, .t = milliseconds(3), .from = Side::host, .bytes = "100003000000"}),
          Event(Data{.session = s, .t = milliseconds(3), .from = Side::host, .bytes = "\r\n"}),
          Event(Data{.session = s, .t = milliseconds(6), .from = Side::peer, .bytes = "QUIT\r\n"}),
          Event(Data{.session = s, .t = milliseconds(6), .from = Side::host, .bytes = "BYE"}),
          Event(Data{.session = s, .t = milliseconds(6), .from = Side::host, .bytes = "\r\n"}),
          Event(Close{.session = s, .t = milliseconds(6), .by = Side::host, .how = CloseKind::fin}),
          Event(SessionEnd{.session = s, .t = milliseconds(6)})));
}

// A protocol whose answer takes time: on a live clock, time passes between a chunk's
// arrival and the reply to it. `slow` is how long it works before each write.
class SlowEcho : public Protocol {
 public:
  SlowEcho(fakes::FakeClock& clock, Duration slow) : clock_(clock), slow_(slow) {}
  void data_received(std::string_view data) override {
    clock_.advance(slow_);
    transport()->write(data);
    clock_.advance(slow_);
    const std::string_view pieces[] = {"[", "]"};
    transport()->write_sequence(pieces);
  }

 private:
  fakes::FakeClock& clock_;
  Duration slow_;
};

TEST_F(SessionRecorderTest, AReplyIsStampedWithTheTimeOfTheChunkItAnswers) {
  connect(std::make_unique<SlowEcho>(context_.clock(), milliseconds(5)));
  advance(milliseconds(1));
  transport_.receive("x");
  // What the protocol wrote while handling the chunk is its answer to it: the chunk's
  // time, so a replay (which delivers the chunk and sees the answer at once) agrees.
  const std::vector<Event> all = events();
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[1],
            Event(Data{.session = 1, .t = milliseconds(1), .from = Side::peer, .bytes = "x"}));
  EXPECT_EQ(all[2],
            Event(Data{.session = 1, .t = milliseconds(1), .from = Side::host, .bytes = "x"}));
  EXPECT_EQ(all[3],
            Event(Data{.session = 1, .t = milliseconds(1), .from = Side::host, .bytes = "["}));
  EXPECT_EQ(all[4],
            Event(Data{.session = 1, .t = milliseconds(1), .from = Side::host, .bytes = "]"}));
}

// Greets with a random draw, with time passing in between (as on a live clock).
class SlowGreeter : public Protocol {
 public:
  explicit SlowGreeter(fakes::FakeClock& clock) : clock_(clock) {}
  void connection_made() override {
    clock_.advance(milliseconds(2));
    std::byte nonce[4];
    random().fill(nonce);
    (void)clock().now();
    clock_.advance(milliseconds(2));
    transport()->write("hi");
  }

 private:
  fakes::FakeClock& clock_;
};

TEST_F(SessionRecorderTest, DrawsAndReadsInsideACallbackAreStampedAtItsEventToo) {
  SessionRecorder& recorder = connect(std::make_unique<SlowGreeter>(context_.clock()));
  // Nothing went back in time, so nothing was refused and the recording goes on.
  EXPECT_FALSE(recorder.recording_error()) << *recorder.recording_error();
  const std::vector<Event> all = events();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(std::get<RandomDraw>(all[1]).t, Duration(0));
  EXPECT_EQ(std::get<ClockRead>(all[2]).t, Duration(0));
  EXPECT_EQ(all[3], Event(Data{.session = 1, .t = Duration(0), .from = Side::host, .bytes = "hi"}));
}

TEST_F(SessionRecorderTest, UploadGreetingNonceIsTheRecordedRandomDraw) {
  upload::MemoryUploadStore store;
  auto server = std::make_unique<upload::UploadServer>(store, upload::UploadServerOptions{});
  upload::UploadServer& upload = *server;
  connect(std::move(server));

  std::vector<Event> recorded = events();
  std::vector<RandomDraw> draws;
  for (const Event& event : recorded) {
    if (const auto* draw = std::get_if<RandomDraw>(&event)) draws.push_back(*draw);
  }
  ASSERT_EQ(draws.size(), 1u);
  EXPECT_EQ(draws[0].bytes.size(), 16u);
  EXPECT_EQ(hex(draws[0].bytes), upload.nonce());
  EXPECT_EQ(transport_.value(), "PKUP/1 " + upload.nonce() + "\r\n");
  EXPECT_EQ(bytes_from(recorded, 1, Side::host), transport_.value());
  // The draw comes before the greeting it made, as the protocol drew it.
  ASSERT_GE(recorded.size(), 3u);
  EXPECT_EQ(recorded[1], Event(draws[0]));
}

TEST_F(SessionRecorderTest, CallLaterWorksThroughTheRecordingClockAndItsReadIsRecorded) {
  upload::MemoryUploadStore store;
  upload::UploadServerOptions options;
  options.idle_timeout = std::chrono::seconds(60);
  connect(std::make_unique<upload::UploadServer>(store, options));
  transport_.clear();
  advance(std::chrono::seconds(59));
  EXPECT_TRUE(transport_.connected());
  advance(std::chrono::seconds(1));
  // The idle timer, scheduled through the recorder's clock, fired at its deadline.
  EXPECT_EQ(transport_.value(), "ERR 408 timeout\r\n");
  EXPECT_FALSE(transport_.connected());

  std::vector<Event> recorded = events();
  std::vector<ClockRead> reads;
  for (const Event& event : recorded) {
    if (const auto* read = std::get_if<ClockRead>(&event)) reads.push_back(*read);
  }
  // call_later() reads the clock once for each timer the server set: the idle timer with
  // the greeting, and at the timeout the abort timer that bounds its close.
  EXPECT_THAT(reads, ElementsAre(ClockRead{.session = 1, .t = Duration(0)},
                                 ClockRead{.session = 1, .t = std::chrono::seconds(60)}));
  EXPECT_THAT(
      closes_of(recorded),
      ElementsAre(Close{
          .session = 1, .t = std::chrono::seconds(60), .by = Side::host, .how = CloseKind::fin}));
  EXPECT_EQ(recorded.back(), Event(SessionEnd{.session = 1, .t = std::chrono::seconds(60)}));
}

TEST_F(SessionRecorderTest, HostAbortIsAnAbortByTheHost) {
  connect(std::make_unique<Shout>());
  transport_.receive("ABORT\r\n");
  EXPECT_TRUE(transport_.aborted());
  EXPECT_THAT(closes_of(events()),
              ElementsAre(Close{.session = 1, .by = Side::host, .how = CloseKind::abort}));
}

TEST_F(SessionRecorderTest, AbortAfterLoseConnectionIsAFinThenAnAbort) {
  connect(std::make_unique<Shout>());
  transport_.receive("FINABORT\r\n");
  EXPECT_THAT(closes_of(events()),
              ElementsAre(Close{.session = 1, .by = Side::host, .how = CloseKind::fin},
                          Close{.session = 1, .by = Side::host, .how = CloseKind::abort}));
}

TEST_F(SessionRecorderTest, HalfCloseThenPeerEofIsAFinEachWay) {
  connect(std::make_unique<Shout>());
  transport_.receive("HALF\r\n");
  advance(milliseconds(5));
  transport_.receive_eof();
  EXPECT_FALSE(transport_.connected());
  std::vector<Event> recorded = events();
  EXPECT_THAT(
      closes_of(recorded),
      ElementsAre(
          Close{.session = 1, .by = Side::host, .how = CloseKind::fin},
          Close{.session = 1, .t = milliseconds(5), .by = Side::peer, .how = CloseKind::fin}));
  EXPECT_EQ(bytes_from(recorded, 1, Side::host), "HALF\r\n");
}

TEST_F(SessionRecorderTest, PeerEofIsAPeerFinAndTheProtocolsCloseAHostFin) {
  connect(std::make_unique<Shout>());
  transport_.receive("hi\r\n");
  transport_.receive_eof();  // Protocol's default read_connection_lost() closes our side
  EXPECT_THAT(closes_of(events()),
              ElementsAre(Close{.session = 1, .by = Side::peer, .how = CloseKind::fin},
                          Close{.session = 1, .by = Side::host, .how = CloseKind::fin}));
}

TEST_F(SessionRecorderTest, PeerResetIsAResetByThePeer) {
  connect(std::make_unique<Shout>());
  advance(milliseconds(2));
  transport_.lose_from_peer(Failure(errc::connection_lost));
  std::vector<Event> recorded = events();
  EXPECT_THAT(closes_of(recorded),
              ElementsAre(Close{
                  .session = 1, .t = milliseconds(2), .by = Side::peer, .how = CloseKind::reset}));
  EXPECT_EQ(recorded.back(), Event(SessionEnd{.session = 1, .t = milliseconds(2)}));
}

TEST_F(SessionRecorderTest, CleanCloseFromThePeerIsAPeerFin) {
  connect(std::make_unique<Shout>());
  transport_.lose_from_peer(Failure(errc::connection_done));
  EXPECT_THAT(closes_of(events()),
              ElementsAre(Close{.session = 1, .by = Side::peer, .how = CloseKind::fin}));
}

TEST_F(SessionRecorderTest, AFailingWriterStopsTheRecordingNotTheConnection) {
  out_.setstate(std::ios::badbit);
  SessionRecorder& recorder = connect(std::make_unique<Shout>());
  transport_.receive("hi\r\n");
  EXPECT_EQ(transport_.value(), "HI\r\n");
  EXPECT_TRUE(transport_.connected());
  ASSERT_TRUE(recorder.recording_error());
  EXPECT_THAT(*recorder.recording_error(), ::testing::HasSubstr("transcript"));
}

TEST(RecordingFactoryTest, TwoInterleavedConnectionsAreTwoSessionsOfOneFile) {
  fakes::FakeContext context(/*seed=*/1);
  FunctionFactory shouts([](const Address&) { return std::make_unique<Shout>(); });
  std::ostringstream out;
  TranscriptWriter writer(out);
  RecordingFactory factory(shouts, writer, {.meta = {{"protocol", "shout"}}});

  fakes::StringTransport one(Address::tcp("192.0.2.10", 1001), Address::tcp("192.0.2.1", 7000));
  fakes::StringTransport two(Address::tcp("192.0.2.20", 1002), Address::tcp("192.0.2.1", 7000));
  for (fakes::StringTransport* t : {&one, &two}) {
    t->set_context(context);
    t->set_clock(&context.clock());
  }
  context.clock().advance(std::chrono::seconds(10));
  std::unique_ptr<Protocol> first = factory.build_protocol(one.peer());
  one.connect(*first);
  context.clock().advance(std::chrono::seconds(1));
  std::unique_ptr<Protocol> second = factory.build_protocol(two.peer());
  two.connect(*second);
  EXPECT_EQ(factory.open_connections(), 2u);

  context.clock().advance(milliseconds(1));
  two.receive("b\r\n");
  one.receive("a\r\n");
  context.clock().advance(milliseconds(1));
  two.receive("QUIT\r\n");
  one.receive("QUIT\r\n");
  EXPECT_EQ(factory.open_connections(), 0u);
  EXPECT_EQ(factory.sessions(), 2u);

  std::vector<Event> recorded = read_all(out.str());
  std::vector<SessionId> order;
  for (const Event& event : recorded) order.push_back(session_of(event));
  EXPECT_THAT(order, ElementsAre(1, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1));
  EXPECT_EQ(recorded[0], Event(SessionStart{.session = 1,
                                            .start = Duration(0),
                                            .host = "tcp:192.0.2.1:7000",
                                            .peer = "tcp:192.0.2.10:1001",
                                            .meta = {{"protocol", "shout"}}}));
  // The second started a second after the first, the file's origin.
  EXPECT_EQ(recorded[1], Event(SessionStart{.session = 2,
                                            .start = std::chrono::seconds(1),
                                            .host = "tcp:192.0.2.1:7000",
                                            .peer = "tcp:192.0.2.20:1002",
                                            .meta = {{"protocol", "shout"}}}));
  EXPECT_EQ(bytes_from(recorded, 1, Side::peer), "a\r\nQUIT\r\n");
  EXPECT_EQ(bytes_from(recorded, 1, Side::host), "A\r\nBYE\r\n");
  EXPECT_EQ(bytes_from(recorded, 2, Side::peer), "b\r\nQUIT\r\n");
  EXPECT_EQ(bytes_from(recorded, 2, Side::host), "B\r\nBYE\r\n");
  // Each session's times are its own: the first's data came 1.001 s into it.
  EXPECT_EQ(recorded[5], Event(Data{.session = 1,
                                    .t = std::chrono::seconds(1) + milliseconds(1),
                                    .from = Side::peer,
                                    .bytes = "a\r\n"}));
  EXPECT_EQ(recorded.back(),
            Event(SessionEnd{.session = 1, .t = std::chrono::seconds(1) + milliseconds(2)}));
}

// Hello: a client that says two lines and keeps what it hears.
class Hello final : public Protocol {
 public:
  void connection_made() override { transport()->write("hello\r\nQUIT\r\n"); }
  void data_received(std::string_view data) override { heard += data; }
  std::string heard;
};

TEST(SessionRecorderLoopbackTest, BothEndsOfALoopbackPairRecordWhatEachSawInItsChunks) {
  fakes::FakeContext context(/*seed=*/3);
  std::ostringstream out;
  TranscriptWriter writer(out);
  std::optional<TimePoint> origin;
  std::vector<std::string> server_chunks;
  SessionRecorder server(std::make_unique<Shout>(&server_chunks), writer,
                         {.session = 1, .role = Role::server, .origin = &origin});
  auto hello = std::make_unique<Hello>();
  Hello& client_protocol = *hello;
  SessionRecorder client(std::move(hello), writer,
                         {.session = 2, .role = Role::client, .origin = &origin});
  fakes::LoopbackPair pair(client, server, {.seed = 9, .max_chunk = 3, .context = &context});
  pair.pump();

  EXPECT_EQ(client_protocol.heard, "HELLO\r\nBYE\r\n");
  std::vector<Event> recorded = read_all(out.str());
  // The server's peer chunks are exactly the pieces its protocol was given.
  std::vector<std::string> recorded_chunks;
  for (const Event& event : recorded) {
    const auto* data = std::get_if<Data>(&event);
    if (data != nullptr && data->session == 1 && data->from == Side::peer) {
      recorded_chunks.push_back(data->bytes);
    }
  }
  EXPECT_EQ(recorded_chunks, server_chunks);
  EXPECT_GT(recorded_chunks.size(), 1u);  // re-chunked: at most 3 bytes each
  for (const std::string& chunk : recorded_chunks) EXPECT_LE(chunk.size(), 3u);
  // What one end sent is what the other received.
  EXPECT_EQ(bytes_from(recorded, 1, Side::peer), "hello\r\nQUIT\r\n");
  EXPECT_EQ(bytes_from(recorded, 2, Side::host), "hello\r\nQUIT\r\n");
  EXPECT_EQ(bytes_from(recorded, 1, Side::host), "HELLO\r\nBYE\r\n");
  EXPECT_EQ(bytes_from(recorded, 2, Side::peer), "HELLO\r\nBYE\r\n");
  EXPECT_EQ(
      recorded[0],
      Event(SessionStart{
          .session = 1, .role = Role::server, .host = "memory:server", .peer = "memory:client"}));
  EXPECT_EQ(
      recorded[1],
      Event(SessionStart{
          .session = 2, .role = Role::client, .host = "memory:client", .peer = "memory:server"}));
  // The server closed (QUIT); the client heard a clean close from its peer.
  std::vector<Close> closes = closes_of(recorded);
  EXPECT_THAT(closes, ElementsAre(Close{.session = 1, .by = Side::host, .how = CloseKind::fin},
                                  Close{.session = 2, .by = Side::peer, .how = CloseKind::fin}));
  EXPECT_THAT(writer.open_sessions(), IsEmpty());
}

}  // namespace
}  // namespace kit::testing::transcript
