#include "testing/transcript/transcript_error.h"

namespace kit::testing::transcript {
namespace {

std::string describe(std::size_t line, const std::string& message) {
  if (line == 0) return "transcript: " + message;
  return "transcript line " + std::to_string(line) + ": " + message;
}

}  // namespace

TranscriptError::TranscriptError(std::size_t line, const std::string& message)
    : std::runtime_error(describe(line, message)), line_(line), reason_(message) {}

}  // namespace kit::testing::transcript
