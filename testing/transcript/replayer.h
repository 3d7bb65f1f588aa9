// replay: plays a transcript's server sessions (FORMAT.md) into protocols built by a
// factory, on fakes, and says whether each protocol did what the recording says.
//
//   kit::FunctionFactory factory(...);
//   ReplayResult result = replay(factory, "testdata/line.transcript");
//   if (!result.ok()) std::cerr << result.message;
//
// Each session gets a protocol from the factory (built for the recorded peer), a
// fakes::StringTransport with the recorded addresses, and a FakeContext of its own whose
// clock reads the session's start + t at each event and whose FakeRandom hands out only
// the recorded draws (script only). The peer's chunks are delivered as recorded, the peer's
// close as receive_eof() (fin) or lose_from_peer() (reset, abort), and timers and thread
// pool work run as the clock reaches each event. What the protocol writes is compared, as
// one byte stream per session, with the host's recorded chunks (chunk boundaries are not
// compared: a protocol may write a line in two writes); its close with the host's
// recorded close, its random draws with the recorded ones (same sizes, same order), and
// the end of the connection with the session's `end`.
//
// Strict: every recorded byte must be written by the time the next recorded event is due,
// nothing more; the close as recorded; every server session played. The first mismatch
// ends the replay, and ReplayResult names the session, the transcript line, the byte
// offset in what the host sent, and the expected and actual bytes around it, escaped,
// with a caret under the first difference.
//
// Memory: sessions are played as the file is read; a session holds the events from one
// of its peer events to the next (the draws a protocol makes in answer to a chunk must be
// scripted before the chunk is delivered), so one long answer is held whole.
//
// Thread safety: one thread.
#ifndef KIT_TESTING_TRANSCRIPT_REPLAYER_H_
#define KIT_TESTING_TRANSCRIPT_REPLAYER_H_

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "kit/factory.h"
#include "testing/transcript/event.h"
#include "testing/transcript/transcript_reader.h"

namespace kit::testing::transcript {

struct ReplayOptions {
  // Client sessions are not played by this replayer; strict (false) makes one a failure.
  bool skip_client_sessions = false;
};

struct ReplayResult {
  bool ok() const noexcept { return message.empty(); }

  // Empty when the replay matched; else what differed, readably (several lines).
  std::string message;
  // The session that differed, and the byte offset in what its host sent, when known.
  std::optional<SessionId> session;
  std::optional<std::size_t> offset;
  // The transcript line of the event at which the difference was seen (0: none).
  std::size_t line = 0;
  // Sessions played to their last recorded event.
  std::size_t sessions_played = 0;
};

// replay: plays every session of `reader` (from its current position to the end).
ReplayResult replay(Factory& factory, TranscriptReader& reader, ReplayOptions options = {});
// replay: the transcript file at `path`; a file that cannot be read is a failed result.
ReplayResult replay(Factory& factory, const std::filesystem::path& path,
                    ReplayOptions options = {});

// describe_difference: `expected` and `actual` around their first difference at
// `offset`, escaped (as C string literals), with a caret under the difference:
//   expected: "You said: hello\r\n"
//   actual:   "You said: hellp\r\n"
//                              ^
std::string describe_difference(std::string_view expected, std::string_view actual,
                                std::size_t offset);

}  // namespace kit::testing::transcript

#endif  // KIT_TESTING_TRANSCRIPT_REPLAYER_H_
