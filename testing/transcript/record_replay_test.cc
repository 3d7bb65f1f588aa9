// What a recording is for: a session recorded through RecordingFactory replays exactly
// into a fresh protocol of the same kind -- bytes, closes, times and random draws -- and
// a protocol that has changed does not. Recorded on StringTransport + FakeContext here;
// the recorder is the same layer on any transport.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <sstream>
#include <string>

#include "fakes/fake_context.h"
#include "fakes/string_transport.h"
#include "kit/factory.h"
#include "protocols/line/line_protocol.h"
#include "protocols/upload/memory_upload_store.h"
#include "protocols/upload/sha256.h"
#include "protocols/upload/upload_server.h"
#include "testing/transcript/replay_assertions.h"
#include "testing/transcript/replayer.h"
#include "testing/transcript/session_recorder.h"
#include "testing/transcript/transcript_reader.h"
#include "testing/transcript/transcript_writer.h"

namespace kit::testing::transcript {
namespace {

using namespace std::chrono_literals;

// record: one server connection of `factory`, driven by `drive`, recorded into a string.
template <typename Drive>
std::string record(Factory& factory, Drive drive) {
  std::ostringstream out;
  TranscriptWriter writer(out);
  RecordingFactory recording(factory, writer);
  fakes::FakeContext context(/*seed=*/42);
  fakes::StringTransport transport(Address::tcp("192.0.2.7", 50000),
                                   Address::tcp("192.0.2.1", 8000));
  transport.set_context(context);
  transport.set_clock(&context.clock());
  context.clock().advance(5s);  // the session need not start at zero
  std::unique_ptr<Protocol> protocol = recording.build_protocol(transport.peer());
  transport.connect(*protocol);
  drive(transport, context);
  writer.close();
  return out.str();
}

::testing::AssertionResult replays_text(Factory& factory, const std::string& text) {
  std::istringstream in(text);
  TranscriptReader reader(in);
  return replays(factory, reader);
}

TEST(RecordThenReplay, ALineSessionReplaysIntoAFreshLineProtocol) {
  auto line = factory_for<protocols::LineProtocol>(std::size_t{16384});
  const std::string transcript =
      record(*line, [](fakes::StringTransport& t, fakes::FakeContext& c) {
        t.receive("hel");
        c.clock().advance(20ms);
        t.receive("lo\r\nwor");
        c.clock().advance(1s);
        t.receive("ld\nquit\n");
        c.clock().advance(0s);
      });
  auto fresh = factory_for<protocols::LineProtocol>(std::size_t{16384});
  EXPECT_TRUE(replays_text(*fresh, transcript)) << transcript;

  // A protocol with a smaller line limit answers differently, and the replay says so.
  auto changed = factory_for<protocols::LineProtocol>(std::size_t{4});
  EXPECT_FALSE(replays_text(*changed, transcript));
}

TEST(RecordThenReplay, AnUploadSessionReplaysWithItsRecordedNonceAndStoresTheFile) {
  upload::MemoryUploadStore recorded_store;
  auto server = upload::make_upload_server_factory(recorded_store, {});
  const std::string body = "bytes that\r\nlook like PUT 1 x y\n";
  const std::string transcript =
      record(*server, [&](fakes::StringTransport& t, fakes::FakeContext& c) {
        c.thread_pool().run_all();
        t.receive("PUT " + std::to_string(body.size()) + " " + upload::sha256_hex(body) +
                  " kept/file.txt\n");
        c.thread_pool().run_all();
        t.receive(body.substr(0, 10));
        c.clock().advance(2s);
        t.receive(body.substr(10) + "QUIT\n");
        c.thread_pool().run_all();
        c.clock().advance(0s);
      });
  ASSERT_EQ(recorded_store.files().at("kept/file.txt"), body);
  // The recording holds the greeting's nonce as a random draw: a fresh server given it
  // sends the same greeting, and every answer after it matches.
  EXPECT_NE(transcript.find("\"type\":\"random\""), std::string::npos) << transcript;
  upload::MemoryUploadStore replayed_store;
  auto fresh = upload::make_upload_server_factory(replayed_store, {});
  EXPECT_TRUE(replays_text(*fresh, transcript)) << transcript;
  EXPECT_EQ(replayed_store.files().at("kept/file.txt"), body);
}

TEST(RecordThenReplay, AnIdleTimeoutReplaysAtItsRecordedTime) {
  upload::MemoryUploadStore store;
  upload::UploadServerOptions options;
  options.idle_timeout = 30s;
  auto server = upload::make_upload_server_factory(store, options);
  const std::string transcript =
      record(*server, [](fakes::StringTransport&, fakes::FakeContext& c) {
        c.clock().advance(31s);  // ERR 408 timeout at 30 s, then the close
        c.clock().advance(0s);
      });
  EXPECT_NE(transcript.find("ERR 408 timeout"), std::string::npos) << transcript;
  upload::MemoryUploadStore replayed;
  auto same = upload::make_upload_server_factory(replayed, options);
  EXPECT_TRUE(replays_text(*same, transcript)) << transcript;
  // A server with a longer timeout has not answered by the recorded time.
  options.idle_timeout = 45s;
  auto slower = upload::make_upload_server_factory(replayed, options);
  EXPECT_FALSE(replays_text(*slower, transcript));
}

}  // namespace
}  // namespace kit::testing::transcript
