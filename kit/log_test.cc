#include "kit/log.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kit {
namespace {

TEST(Log, SinkReceivesLevelAndMessageAndCanBeRestored) {
  std::vector<std::string> seen;
  LogSink previous = set_log_sink([&](LogLevel level, std::string_view message) {
    seen.push_back(std::string(log_level_name(level)) + ":" + std::string(message));
  });
  log(LogLevel::info, "one");
  log(LogLevel::error, "two");
  set_log_sink(std::move(previous));
  log(LogLevel::debug, "not captured");
  EXPECT_EQ(seen, (std::vector<std::string>{"info:one", "error:two"}));
}

}  // namespace
}  // namespace kit
