// GoogleTest checks that a transcript replays into a factory's protocols (replayer.h):
//
//   EXPECT_REPLAYS(factory, "testing/transcript/testdata/line.jsonl");
//   EXPECT_TRUE(replays(factory, reader));
//
// On a mismatch the failure message is the replay's: the session, the offset, and the
// expected and actual bytes with a caret under the first difference.
//
// Thread safety: the test's thread.
#ifndef KIT_TESTING_TRANSCRIPT_REPLAY_ASSERTIONS_H_
#define KIT_TESTING_TRANSCRIPT_REPLAY_ASSERTIONS_H_

#include <gtest/gtest.h>

#include <filesystem>

#include "kit/factory.h"
#include "testing/transcript/replayer.h"
#include "testing/transcript/transcript_reader.h"

namespace kit::testing::transcript {

// replays: success when the transcript replays clean, else a failure with its message.
::testing::AssertionResult replays(Factory& factory, const std::filesystem::path& path,
                                   ReplayOptions options = {});
::testing::AssertionResult replays(Factory& factory, TranscriptReader& reader,
                                   ReplayOptions options = {});

}  // namespace kit::testing::transcript

#define EXPECT_REPLAYS(factory, source) \
  EXPECT_TRUE(::kit::testing::transcript::replays((factory), (source)))
#define ASSERT_REPLAYS(factory, source) \
  ASSERT_TRUE(::kit::testing::transcript::replays((factory), (source)))

#endif  // KIT_TESTING_TRANSCRIPT_REPLAY_ASSERTIONS_H_
