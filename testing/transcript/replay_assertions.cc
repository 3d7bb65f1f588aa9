#include "testing/transcript/replay_assertions.h"

namespace kit::testing::transcript {
namespace {

::testing::AssertionResult as_assertion(const ReplayResult& result) {
  if (result.ok()) {
    return ::testing::AssertionSuccess()
           << "replayed " << result.sessions_played << " session(s) clean";
  }
  return ::testing::AssertionFailure() << "transcript does not replay:\n" << result.message;
}

}  // namespace

::testing::AssertionResult replays(Factory& factory, const std::filesystem::path& path,
                                   ReplayOptions options) {
  return as_assertion(replay(factory, path, options));
}

::testing::AssertionResult replays(Factory& factory, TranscriptReader& reader,
                                   ReplayOptions options) {
  return as_assertion(replay(factory, reader, options));
}

}  // namespace kit::testing::transcript
