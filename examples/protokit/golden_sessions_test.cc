// The golden sessions of the kit's own protocols (protocols/*/testdata/*.jsonl), recorded
// live from `protokit serve PROTOCOL --record` by record_golden_sessions.sh, each replayed
// into the server `serve` builds (ServedFactory, its default options; upload on an
// in-memory store): a change in what a protocol says, or when, fails here with the
// difference. Re-record with that script when a change is meant.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "examples/protokit/serve_command.h"
#include "examples/protokit/server_protocols.h"
#include "protocols/upload/memory_upload_store.h"
#include "testing/transcript/replay_assertions.h"

namespace protokit_cli {
namespace {

std::string golden(const std::string& protocol) {
  const char* root = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  return std::string(root ? root : ".") + "/" + (workspace ? workspace : "") + "/protocols/" +
         protocol + "/testdata/" + protocol + ".jsonl";
}

class GoldenSessionTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenSessionTest, ReplaysAsRecorded) {
  kit::upload::MemoryUploadStore store;
  ServerProtocolSettings settings;
  settings.upload_store = &store;
  ServedFactory served(GetParam(), settings, default_idle_timeout, default_line_timeout);
  EXPECT_REPLAYS(served.factory(), golden(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(KitProtocols, GoldenSessionTest,
                         ::testing::Values("echo", "line", "reverse", "upload"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace protokit_cli
