// TranscriptReader: reads a transcript (FORMAT.md) one event at a time.
//
//   TranscriptReader in("session.transcript");
//   while (std::optional<Event> event = in.next()) { ... }
//   in.open_sessions();   // sessions the recording left open, if any
//
// It streams: the file is read in small blocks and only the current line and the current
// event are held (plus a few words per session), so a session of any size reads in the
// memory of its largest line. Lines longer than Options::max_line_length are refused
// rather than buffered.
//
// Malformed input throws TranscriptError naming the line and what is wrong with it (not
// JSON, a missing or mistyped field, bad base64, a broken session rule such as data after
// a close); the reader is then finished, and next() throws the same error again. A file of
// another major version is refused at the header; one of a newer minor version is read
// with the fields this version does not know ignored.
//
// Thread safety: one thread.
#ifndef KIT_TESTING_TRANSCRIPT_TRANSCRIPT_READER_H_
#define KIT_TESTING_TRANSCRIPT_TRANSCRIPT_READER_H_

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "testing/transcript/event.h"
#include "testing/transcript/transcript_error.h"

namespace kit::testing::transcript {

namespace detail {
class SessionRules;
}

struct TranscriptReaderOptions {
  // The longest line accepted, newline included.
  std::size_t max_line_length = default_max_line_length;
};

class TranscriptReader {
 public:
  using Options = TranscriptReaderOptions;

  // Reads from `in`, which must outlive the reader. Reads the header at once; throws
  // TranscriptError when it is missing, malformed or of an unsupported version.
  explicit TranscriptReader(std::istream& in, Options options = {});
  // Reads the file at `path`; throws TranscriptError also when it cannot be opened.
  explicit TranscriptReader(const std::filesystem::path& path, Options options = {});
  ~TranscriptReader();
  TranscriptReader(const TranscriptReader&) = delete;
  TranscriptReader& operator=(const TranscriptReader&) = delete;

  const Header& header() const noexcept { return header_; }

  // next: the next event, or nullopt at the end of the input. Throws TranscriptError.
  std::optional<Event> next();

  // for_each: calls `visit(event)` for every remaining event, in order.
  template <typename Visitor>
  void for_each(Visitor&& visit) {
    while (std::optional<Event> event = next()) visit(*event);
  }

  // line: the number of the line last read (1 is the header).
  std::size_t line() const noexcept { return line_number_; }

  // open_sessions: the sessions started and not ended so far, in increasing id order; at
  // the end of the input, those the recording left open.
  std::vector<SessionId> open_sessions() const;

 private:
  void read_header();
  // Reads the next line into line_ (without its newline); false at the end of the input.
  bool read_line();
  [[noreturn]] void fail(std::size_t line, const std::string& message);

  std::unique_ptr<std::ifstream> file_;
  std::istream* in_;
  Options options_;
  Header header_;
  std::unique_ptr<detail::SessionRules> rules_;
  std::string line_;
  std::size_t line_number_ = 0;
  std::optional<TranscriptError> error_;
};

}  // namespace kit::testing::transcript

#endif  // KIT_TESTING_TRANSCRIPT_TRANSCRIPT_READER_H_
