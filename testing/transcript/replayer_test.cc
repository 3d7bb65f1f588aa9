#include "testing/transcript/replayer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "kit/factory.h"
#include "protocols/line/line_protocol.h"
#include "protocols/policies/idle_timeout_factory.h"
#include "protocols/upload/memory_upload_store.h"
#include "protocols/upload/upload_server.h"
#include "testing/transcript/replay_assertions.h"
#include "testing/transcript/transcript_reader.h"
#include "testing/transcript/transcript_writer.h"

namespace kit::testing::transcript {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr const char* kHost = "tcp:127.0.0.1:8000";
constexpr const char* kPeer = "tcp:127.0.0.1:54321";

// The transcript TranscriptWriter makes of `events` (the header is line 1, events[k] is
// line k + 2).
std::string transcript_of(const std::vector<Event>& events) {
  std::ostringstream out;
  TranscriptWriter writer(out);
  for (const Event& event : events) writer.write(event);
  writer.close();
  return out.str();
}

ReplayResult replay_events(Factory& factory, const std::vector<Event>& events,
                           ReplayOptions options = {}) {
  std::istringstream in(transcript_of(events));
  TranscriptReader reader(in);
  return replay(factory, reader, options);
}

std::unique_ptr<Factory> line_factory() {
  return factory_for<protocols::LineProtocol>(protocols::LineProtocol::default_max_line);
}

SessionStart server_session(SessionId id, Duration start = 0ns) {
  return SessionStart{.session = id, .start = start, .host = kHost, .peer = kPeer};
}

Data peer(Duration t, std::string bytes, SessionId id = 1) {
  return Data{.session = id, .t = t, .from = Side::peer, .bytes = std::move(bytes)};
}
Data host(Duration t, std::string bytes, SessionId id = 1) {
  return Data{.session = id, .t = t, .from = Side::host, .bytes = std::move(bytes)};
}
Close closed(Duration t, Side by, CloseKind how = CloseKind::fin, SessionId id = 1) {
  return Close{.session = id, .t = t, .by = by, .how = how};
}
SessionEnd end(Duration t, SessionId id = 1) { return SessionEnd{.session = id, .t = t}; }

// A `serve line` session: a line answered, then "quit" (lines 2..8).
std::vector<Event> line_session() {
  return {
      server_session(1),                 // line 2
      peer(1ms, "hello\r\n"),            // line 3
      host(1ms, "You said: hello\r\n"),  // line 4
      peer(2ms, "quit\n"),               // line 5
      host(2ms, "Goodbye.\r\n"),         // line 6
      closed(2ms, Side::host),           // line 7
      end(2ms),                          // line 8
  };
}

TEST(ReplayerTest, LineSessionReplaysClean) {
  auto factory = line_factory();
  const ReplayResult result = replay_events(*factory, line_session());
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.sessions_played, 1u);
}

TEST(ReplayerTest, HandWrittenFileOfTwoInterleavedSessionsReplaysClean) {
  // Two sessions, one ended by "quit" and one by the peer's EOF, with binary bytes and a
  // line split across chunks.
  auto factory = line_factory();
  EXPECT_REPLAYS(*factory, "testing/transcript/testdata/line.jsonl");
  EXPECT_EQ(replay(*factory, "testing/transcript/testdata/line.jsonl").sessions_played, 2u);
}

TEST(ReplayerTest, ChangedByteNamesSessionOffsetAndShowsBothSidesWithACaret) {
  auto events = line_session();
  std::get<Data>(events[2]).bytes = "You said: hellp\r\n";
  auto factory = line_factory();
  const ReplayResult result = replay_events(*factory, events);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.session, 1u);
  EXPECT_EQ(result.offset, 14u);
  EXPECT_EQ(result.line, 4u);
  EXPECT_EQ(result.message,
            "session 1: byte 14 of what the host sent differs (transcript line 4)\n"
            "  expected: \"You said: hellp\\r\\n\"\n"
            "  actual:   \"You said: hello\\r\\n\"\n"
            "                           ^\n");
}

TEST(ReplayerTest, ChangedByteInALaterAnswerCountsTheOffsetFromTheSessionStart) {
  auto events = line_session();
  std::get<Data>(events[4]).bytes = "Goodbye!\r\n";
  auto factory = line_factory();
  const ReplayResult result = replay_events(*factory, events);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.offset, 17u + 7u);
  EXPECT_THAT(result.message, HasSubstr("session 1: byte 24 of what the host sent differs "
                                        "(transcript line 6)\n"));
  // The bytes before it are shown too, from the earlier answer.
  EXPECT_THAT(result.message, HasSubstr("  expected: \"You said: hello\\r\\nGoodbye!\\r\\n\"\n"
                                        "  actual:   \"You said: hello\\r\\nGoodbye.\\r\\n\"\n" +
                                        std::string(12 + 1 + 19 + 7, ' ') + "^\n"));
}

TEST(ReplayerTest, TranscriptMissingAByteMeansTheProtocolWroteOneMore) {
  auto events = line_session();
  std::get<Data>(events[2]).bytes = "You said: hello\r";  // the "\n" lost
  auto factory = line_factory();
  const ReplayResult result = replay_events(*factory, events);
  ASSERT_FALSE(result.ok());
  // The protocol may be ahead of the recording, so its "\n" is held against the host's
  // next recorded bytes, which begin with "G".
  EXPECT_EQ(result.offset, 16u);
  EXPECT_EQ(result.message,
            "session 1: byte 16 of what the host sent differs (transcript line 6)\n"
            "  expected: \"You said: hello\\rGoodbye.\\r\\n\"\n"
            "  actual:   \"You said: hello\\r\\nGoodbye.\\r\\n\"\n" +
                std::string(12 + 1 + 17, ' ') + "^\n");
}

TEST(ReplayerTest, ARecordedAnswerTheProtocolDoesNotGiveIsMissing) {
  auto events = line_session();
  events.insert(events.begin() + 3, host(1ms, "You said: again\r\n"));  // line 5
  auto factory = line_factory();
  const ReplayResult result = replay_events(*factory, events);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.offset, 17u);
  EXPECT_THAT(result.message,
              HasSubstr("session 1: the protocol wrote 17 bytes by t=0.001s, the transcript "
                        "has 34: missing from byte 17 (transcript line 5)\n"));
  EXPECT_THAT(result.message, HasSubstr("  expected: \"You said: hello\\r\\nYou said: again"));
}

TEST(ReplayerTest, AnAnswerTheTranscriptDoesNotHaveIsExtra) {
  auto events = line_session();
  events.erase(events.begin() + 2);  // the answer to "hello"
  auto factory = line_factory();
  const ReplayResult result = replay_events(*factory, events);
  ASSERT_FALSE(result.ok());
  // Held as written ahead, the answer meets the host's next recorded bytes and differs.
  EXPECT_EQ(result.offset, 0u);
  EXPECT_THAT(result.message,
              HasSubstr("session 1: byte 0 of what the host sent differs (transcript line 5)\n"));
  EXPECT_THAT(result.message, HasSubstr("  expected: \"Goodbye.\\r\\n\"\n"
                                        "  actual:   \"You said: hello\\r\\nGoodbye\"...\n"
                                        "             ^\n"));
}

TEST(ReplayerTest, AnswersMayComeAheadOfTheirRecordedTimes) {
  // Recorded through a proxy: the client's next chunk and its end of stream were
  // recorded before the server's answers reached the proxy.
  auto factory = line_factory();
  const ReplayResult result =
      replay_events(*factory, {server_session(1), peer(1ms, "hello\n"), peer(2ms, "quit\n"),
                               closed(3ms, Side::peer), host(4ms, "You said: hello\r\n"),
                               host(5ms, "Goodbye.\r\n"), closed(5ms, Side::host), end(6ms)});
  EXPECT_TRUE(result.ok()) << result.message;
}

TEST(ReplayerTest, AnAnswerAheadOfTheRecordingMustStillBeTheRecordedOne) {
  auto factory = line_factory();
  const ReplayResult result =
      replay_events(*factory, {server_session(1), peer(1ms, "hello\n"), peer(2ms, "quit\n"),
                               host(4ms, "You said: HELLO\r\n"), host(5ms, "Goodbye.\r\n"),
                               closed(5ms, Side::host), end(6ms)});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.offset, 10u);
}

TEST(ReplayerTest, AWrongCloseKindIsReported) {
  auto events = line_session();
  std::get<Close>(events[5]).how = CloseKind::abort;
  auto factory = line_factory();
  const ReplayResult result = replay_events(*factory, events);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.line, 7u);
  EXPECT_EQ(result.message,
            "session 1: the transcript has the host close (abort, line 7), the protocol closed "
            "with fin by t=0.002s");
}

TEST(ReplayerTest, ACloseTheTranscriptDoesNotHaveIsReported) {
  auto events = line_session();
  events.erase(events.begin() + 5);  // the host's close
  auto factory = line_factory();
  const ReplayResult result = replay_events(*factory, events);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.message, HasSubstr("session 1: the protocol closed (fin) by t=0.002s, the "
                                        "transcript has no close by the host by then"));
}

TEST(ReplayerTest, ARecordedCloseThatDoesNotHappenIsReported) {
  auto events = line_session();
  std::get<Data>(events[3]).bytes = "quiet\n";
  std::get<Data>(events[4]).bytes = "You said: quiet\r\n";
  auto factory = line_factory();
  const ReplayResult result = replay_events(*factory, events);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.message,
            "session 1: the transcript has the host close (fin, line 7), the protocol did not "
            "close by t=0.002s");
}

TEST(ReplayerTest, ARecordedEndWhileTheConnectionStaysOpenIsReported) {
  auto factory = line_factory();
  const ReplayResult result = replay_events(
      *factory, {server_session(1), peer(1ms, "hi\n"), host(1ms, "You said: hi\r\n"), end(3ms)});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.message,
            "session 1: the transcript says the connection ended at t=0.003s (line 5), but the "
            "protocol's connection is still open");
}

TEST(ReplayerTest, ASessionLeftOpenByTheRecordingReplaysWhatWasRecorded) {
  auto factory = line_factory();
  const ReplayResult result = replay_events(
      *factory, {server_session(1), peer(1ms, "hi\n"), host(1ms, "You said: hi\r\n")});
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(result.sessions_played, 1u);
}

TEST(ReplayerTest, ThePeersResetIsDeliveredAsALostConnection) {
  auto factory = line_factory();
  const ReplayResult result =
      replay_events(*factory, {server_session(1), peer(1ms, "hi\n"), host(1ms, "You said: hi\r\n"),
                               closed(2ms, Side::peer, CloseKind::reset), end(2ms)});
  EXPECT_TRUE(result.ok()) << result.message;
}

TEST(ReplayerTest, PeerDataAfterTheProtocolsConnectionEndedIsReported) {
  auto factory = line_factory();
  const ReplayResult result =
      replay_events(*factory, {server_session(1), peer(1ms, "quit\n"), host(1ms, "Goodbye.\r\n"),
                               closed(1ms, Side::host), peer(2ms, "more\n"), end(2ms)});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.message,
            "session 1: the connection was lost before the peer's data at t=0.002s (line 6) "
            "was delivered");
}

TEST(ReplayerTest, ClientSessionsFailStrictlyAndAreSkippedWhenAsked) {
  auto client = server_session(2);
  client.role = Role::client;
  auto events = line_session();
  events.push_back(client);
  events.push_back(end(0ns, 2));
  auto factory = line_factory();
  const ReplayResult strict = replay_events(*factory, events);
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.message,
            "session 2 is a client session; the replayer plays server sessions only");
  const ReplayResult skipping = replay_events(*factory, events, {.skip_client_sessions = true});
  EXPECT_TRUE(skipping.ok()) << skipping.message;
  EXPECT_EQ(skipping.sessions_played, 1u);
}

TEST(ReplayerTest, AFactoryThatRefusesIsReported) {
  FunctionFactory refusing([](const Address&) { return std::unique_ptr<Protocol>(); });
  const ReplayResult result = replay_events(refusing, line_session());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.message, "session 1: the factory refused the connection");
}

TEST(ReplayerTest, TheProtocolIsBuiltForTheRecordedPeer) {
  std::optional<Address> seen;
  FunctionFactory factory([&](const Address& peer) -> std::unique_ptr<Protocol> {
    seen = peer;
    return std::make_unique<protocols::LineProtocol>();
  });
  EXPECT_TRUE(replay_events(factory, line_session()).ok());
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->to_string(), kPeer);
}

TEST(ReplayerTest, AMalformedOrMissingFileIsAFailedResultNamingTheLine) {
  auto factory = line_factory();
  std::istringstream in("{\"type\":\"transcript\",\"version\":\"1.0\"}\n{\"type\":\"nope\"}\n");
  TranscriptReader reader(in);
  const ReplayResult bad = replay(*factory, reader);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.message, HasSubstr("transcript line 2"));
  const ReplayResult missing = replay(*factory, "testing/transcript/testdata/no-such.jsonl");
  EXPECT_FALSE(missing.ok());
}

TEST(ReplayerTest, TheAssertionCarriesTheReplaysMessage) {
  auto events = line_session();
  std::get<Data>(events[2]).bytes = "You said: hellp\r\n";
  auto factory = line_factory();
  std::istringstream in(transcript_of(events));
  TranscriptReader reader(in);
  const ::testing::AssertionResult result = replays(*factory, reader);
  EXPECT_FALSE(result);
  EXPECT_THAT(result.message(), HasSubstr("byte 14 of what the host sent differs"));
}

// ---- upload: the greeting's nonce comes from the recorded draw

constexpr const char* kHelloHash =
    "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
const std::string kNonce = "\x9f\x86\xd0\x81\x88\x4c\x7d\x65\x9a\x2f\xea\xa0\xc5\x5a\xd0\x15";

std::vector<Event> upload_session() {
  return {
      server_session(1),                                                       // line 2
      RandomDraw{.session = 1, .t = 0ns, .bytes = kNonce},                     // line 3
      host(0ns, "PKUP/1 9f86d081884c7d659a2feaa0c55ad015\r\n"),                // line 4
      peer(1ms, std::string("PUT 5 ") + kHelloHash + " notes/hello.txt\r\n"),  // line 5
      host(1ms, "READY\r\n"),                                                  // line 6
      peer(2ms, "hello"),                                                      // line 7
      host(2ms, std::string("OK ") + kHelloHash + "\r\n"),                     // line 8
      peer(3ms, "QUIT\r\n"),                                                   // line 9
      host(3ms, "BYE\r\n"),                                                    // line 10
      closed(3ms, Side::host),                                                 // line 11
      end(3ms),                                                                // line 12
  };
}

TEST(ReplayerUploadTest, UploadSessionReplaysWithTheRecordedNonce) {
  upload::MemoryUploadStore store;
  auto factory = upload::make_upload_server_factory(store, {});
  const ReplayResult result = replay_events(*factory, upload_session());
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(store.files().at("notes/hello.txt"), "hello");
}

TEST(ReplayerUploadTest, HandWrittenFileWithABodyBeforeReadyAndATimeoutReplaysClean) {
  // The body's first bytes come with the PUT, and the connection idles out 60s after them.
  upload::MemoryUploadStore store;
  auto factory = upload::make_upload_server_factory(store, {});
  EXPECT_REPLAYS(*factory, "testing/transcript/testdata/upload.jsonl");
  EXPECT_EQ(store.files().at("notes/hello.txt"), "hello");
}

TEST(ReplayerUploadTest, ADifferentRecordedDrawGivesADifferentGreeting) {
  auto events = upload_session();
  std::get<RandomDraw>(events[1]).bytes[0] = '\x00';
  upload::MemoryUploadStore store;
  auto factory = upload::make_upload_server_factory(store, {});
  const ReplayResult result = replay_events(*factory, events);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.offset, 7u);
  EXPECT_THAT(result.message, HasSubstr("session 1: byte 7 of what the host sent differs "
                                        "(transcript line 4)\n"
                                        "  expected: \"PKUP/1 9f86"));
  EXPECT_THAT(result.message, HasSubstr("  actual:   \"PKUP/1 0086"));
}

TEST(ReplayerUploadTest, ADrawTheTranscriptDoesNotHaveFailsRatherThanInventingOne) {
  auto events = upload_session();
  events.erase(events.begin() + 1);
  upload::MemoryUploadStore store;
  auto factory = upload::make_upload_server_factory(store, {});
  const ReplayResult result = replay_events(*factory, events);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.message,
              HasSubstr("session 1: the protocol failed while replaying (line 2): "));
}

TEST(ReplayerUploadTest, ADrawOfAnotherSizeIsReported) {
  auto events = upload_session();
  // The same 16 bytes, recorded as two draws of 8.
  events[1] = RandomDraw{.session = 1, .t = 0ns, .bytes = kNonce.substr(0, 8)};
  events.insert(events.begin() + 2, RandomDraw{.session = 1, .t = 0ns, .bytes = kNonce.substr(8)});
  upload::MemoryUploadStore store;
  auto factory = upload::make_upload_server_factory(store, {});
  const ReplayResult result = replay_events(*factory, events);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.message,
              HasSubstr("session 1: random draw 1 took 16 bytes, the transcript has 8"));
}

// ---- timing: timers run at the recorded times

upload::UploadServerOptions idle_after(Duration timeout) {
  upload::UploadServerOptions options;
  options.idle_timeout = timeout;
  return options;
}

std::vector<Event> upload_timeout_session(Duration timeout_at) {
  return {
      server_session(1, 5s),
      RandomDraw{.session = 1, .t = 0ns, .bytes = kNonce},
      host(0ns, "PKUP/1 9f86d081884c7d659a2feaa0c55ad015\r\n"),  // 41 bytes, line 4
      host(timeout_at, "ERR 408 timeout\r\n"),                   // line 5
      closed(timeout_at, Side::host),                            // line 6
      end(timeout_at),
  };
}

TEST(ReplayerTimingTest, UploadIdleTimeoutReplaysAtTheRecordedTime) {
  upload::MemoryUploadStore store;
  auto factory = upload::make_upload_server_factory(store, idle_after(60s));
  const ReplayResult result = replay_events(*factory, upload_timeout_session(60s));
  EXPECT_TRUE(result.ok()) << result.message;
}

TEST(ReplayerTimingTest, AnAnswerRecordedBeforeTheTimeoutIsMissingAtThatTime) {
  upload::MemoryUploadStore store;
  auto factory = upload::make_upload_server_factory(store, idle_after(60s));
  const ReplayResult result = replay_events(*factory, upload_timeout_session(30s));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.offset, 41u);
  EXPECT_THAT(result.message,
              HasSubstr("session 1: the protocol wrote 41 bytes by t=30s, the transcript has "
                        "58: missing from byte 41 (transcript line 5)\n"));
}

TEST(ReplayerTimingTest, LineBehindAnIdleTimeoutReplaysAtTheRecordedTimes) {
  auto line = line_factory();
  protocols::IdleTimeoutFactory factory(*line, 10s);
  const ReplayResult result =
      replay_events(factory, {server_session(1), peer(1s, "hi\n"), host(1s, "You said: hi\r\n"),
                              closed(11s, Side::host), end(11s)});
  EXPECT_TRUE(result.ok()) << result.message;
}

TEST(ReplayerTimingTest, PeerDataRecordedAfterTheTimeoutWouldHaveClosedIsReported) {
  // The recording says the connection was still open at 11.5s; a 10s timeout closes it at
  // 11s.
  auto line = line_factory();
  protocols::IdleTimeoutFactory factory(*line, 10s);
  const ReplayResult result = replay_events(
      factory, {server_session(1), peer(1s, "hi\n"), host(1s, "You said: hi\r\n"),
                peer(11500ms, "again\n"), host(11500ms, "You said: again\r\n"), end(12s)});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.message,
            "session 1: the connection was lost before the peer's data at t=11.5s (line 5) "
            "was delivered");
}

TEST(ReplayerTimingTest, ACloseRecordedBeforeTheTimeoutIsReported) {
  auto line = line_factory();
  protocols::IdleTimeoutFactory factory(*line, 10s);
  const ReplayResult result =
      replay_events(factory, {server_session(1), peer(1s, "hi\n"), host(1s, "You said: hi\r\n"),
                              closed(5s, Side::host), end(5s)});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.message,
            "session 1: the transcript has the host close (fin, line 5), the protocol did not "
            "close by t=5s");
}

TEST(DescribeDifferenceTest, LongStreamsAreCutAroundTheDifference) {
  const std::string expected = std::string(100, 'a') + "X" + std::string(100, 'b');
  const std::string actual = std::string(100, 'a') + "Y" + std::string(100, 'b');
  EXPECT_EQ(describe_difference(expected, actual, 100),
            "  expected: ...\"" + std::string(24, 'a') + "X" + std::string(23, 'b') + "\"...\n" +
                "  actual:   ...\"" + std::string(24, 'a') + "Y" + std::string(23, 'b') +
                "\"...\n" + std::string(12 + 3 + 1 + 24, ' ') + "^\n");
}

}  // namespace
}  // namespace kit::testing::transcript
