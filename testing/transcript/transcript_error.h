// TranscriptError: a transcript that cannot be read or written, and where.
//
// Thrown by TranscriptReader for malformed input (what() is "transcript line N: ..."), and
// by TranscriptWriter for an event the format cannot hold or that breaks a session's rules
// (a second start, data after a close, time going back), so a writer never produces a file
// its reader refuses.
//
// Thread safety: a value type.
#ifndef KIT_TESTING_TRANSCRIPT_TRANSCRIPT_ERROR_H_
#define KIT_TESTING_TRANSCRIPT_TRANSCRIPT_ERROR_H_

#include <cstddef>
#include <stdexcept>
#include <string>

namespace kit::testing::transcript {

class TranscriptError : public std::runtime_error {
 public:
  // `line` counts from 1; 0 when the fault is not on a line (a file that cannot be opened).
  TranscriptError(std::size_t line, const std::string& message);

  std::size_t line() const noexcept { return line_; }
  // The message without the "transcript line N: " prefix.
  const std::string& reason() const noexcept { return reason_; }

 private:
  std::size_t line_;
  std::string reason_;
};

}  // namespace kit::testing::transcript

#endif  // KIT_TESTING_TRANSCRIPT_TRANSCRIPT_ERROR_H_
