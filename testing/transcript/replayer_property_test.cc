// Properties of the replayer over sessions of LineProtocol recorded in the test (the
// protocol driven on a StringTransport, what it wrote noted after each chunk): any such
// session replays clean, and one changed byte anywhere in what the host sent fails the
// replay at exactly that offset.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "fakes/string_transport.h"
#include "kit/factory.h"
#include "protocols/line/line_protocol.h"
#include "testing/transcript/replayer.h"
#include "testing/transcript/transcript_reader.h"
#include "testing/transcript/transcript_writer.h"

namespace kit::testing::transcript {
namespace {

using namespace std::chrono_literals;

// A short maximum so that some sessions end in "error: line too long".
constexpr std::size_t kMaxLine = 12;

// Chunks of line-ish bytes: LF, CR, binary bytes and letters.
rc::Gen<std::vector<std::string>> chunks() {
  return rc::gen::container<std::vector<std::string>>(rc::gen::container<std::string>(
      rc::gen::element<char>('a', 'b', ' ', '\n', '\r', '\0', '\xff')));
}

// The session LineProtocol gives for `input`, as its transcript's events.
std::vector<Event> record_line_session(const std::vector<std::string>& input) {
  protocols::LineProtocol protocol(kMaxLine);
  fakes::StringTransport transport;
  std::vector<Event> events{
      SessionStart{.session = 1, .host = "tcp:127.0.0.1:8000", .peer = "tcp:127.0.0.1:5000"}};
  Duration t = 0ns;
  const auto note_output = [&] {
    if (std::string out = transport.take(); !out.empty()) {
      events.push_back(Data{.session = 1, .t = t, .from = Side::host, .bytes = out});
    }
  };
  transport.connect(protocol);
  for (const std::string& chunk : input) {
    t += 1ms;
    events.push_back(Data{.session = 1, .t = t, .from = Side::peer, .bytes = chunk});
    transport.receive(chunk);
    note_output();
    if (!transport.connected()) break;
  }
  if (transport.connected()) {
    t += 1ms;
    events.push_back(Close{.session = 1, .t = t, .by = Side::peer, .how = CloseKind::fin});
    transport.receive_eof();
    note_output();
  }
  events.push_back(Close{.session = 1, .t = t, .by = Side::host, .how = CloseKind::fin});
  events.push_back(SessionEnd{.session = 1, .t = t});
  return events;
}

ReplayResult replay_events(const std::vector<Event>& events) {
  std::ostringstream out;
  TranscriptWriter writer(out);
  for (const Event& event : events) writer.write(event);
  writer.close();
  std::istringstream in(out.str());
  TranscriptReader reader(in);
  auto factory = factory_for<protocols::LineProtocol>(kMaxLine);
  return replay(*factory, reader);
}

RC_GTEST_PROP(Replayer, ARecordedLineSessionReplaysClean, ()) {
  const ReplayResult result = replay_events(record_line_session(*chunks()));
  RC_ASSERT(result.ok());
  RC_ASSERT(result.sessions_played == 1u);
}

RC_GTEST_PROP(Replayer, OneChangedHostByteFailsAtItsOffset, ()) {
  std::vector<Event> events = record_line_session(*chunks());
  std::vector<std::string*> host_chunks;
  std::size_t host_bytes = 0;
  for (Event& event : events) {
    if (auto* data = std::get_if<Data>(&event); data != nullptr && data->from == Side::host) {
      host_chunks.push_back(&data->bytes);
      host_bytes += data->bytes.size();
    }
  }
  RC_PRE(host_bytes > 0u);
  const std::size_t target = *rc::gen::inRange<std::size_t>(0, host_bytes);
  std::size_t before = 0;
  for (std::string* bytes : host_chunks) {
    if (target < before + bytes->size()) {
      (*bytes)[target - before] ^= 0x01;
      break;
    }
    before += bytes->size();
  }
  const ReplayResult result = replay_events(events);
  RC_ASSERT(!result.ok());
  RC_ASSERT(result.offset == std::optional<std::size_t>(target));
  RC_ASSERT(result.message.find("byte " + std::to_string(target) +
                                " of what the host sent differs") != std::string::npos);
}

}  // namespace
}  // namespace kit::testing::transcript
