// TranscriptWriter: writes a transcript (FORMAT.md), one line per event, as it goes.
//
//   TranscriptWriter out("session.transcript", {.meta = {{"recorded_by", "my test"}}});
//   out.write(SessionStart{.session = 1, .host = "tcp:127.0.0.1:8000", .peer = "..."});
//   out.write(Data{.session = 1, .t = 5us, .from = Side::peer, .bytes = "hello\r\n"});
//   ...
//   out.close();   // renames "session.transcript.partial" to "session.transcript"
//
// Nothing is held back: each event is encoded and handed to the stream at once (memory is
// one line), and by default flushed, so a recorder that stops leaves every event written
// so far readable. A file is written under `path` + ".partial" and renamed to `path` by
// close(), so a complete file never sits where a half-written one might be expected.
//
// Every event is checked against the session rules the reader enforces (FORMAT.md); an
// event that breaks one throws TranscriptError and is not written, so the writer never
// makes a file its reader refuses.
//
// Thread safety: one thread; a recorder of several connections writes through one writer.
#ifndef KIT_TESTING_TRANSCRIPT_TRANSCRIPT_WRITER_H_
#define KIT_TESTING_TRANSCRIPT_TRANSCRIPT_WRITER_H_

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "testing/transcript/event.h"

namespace kit::testing::transcript {

namespace detail {
class SessionRules;
}

struct TranscriptWriterOptions {
  // The header's meta.
  Meta meta{};
  // Flush the stream after every event (the default: a stopped recorder loses nothing it
  // wrote). When false, only flush() and close() flush.
  bool flush_each_event = true;
  // The longest line written; an event whose line would be longer is refused.
  std::size_t max_line_length = default_max_line_length;
};

class TranscriptWriter {
 public:
  using Options = TranscriptWriterOptions;

  // Writes to `out`, which must outlive the writer; the header is written at once.
  explicit TranscriptWriter(std::ostream& out, Options options = {});
  // Writes to the file `path`, through `path` + ".partial" until close(). Throws
  // TranscriptError when the file cannot be created.
  explicit TranscriptWriter(const std::filesystem::path& path, Options options = {});
  // Closes if close() was not called (errors are swallowed here: call close() to see them).
  ~TranscriptWriter();
  TranscriptWriter(const TranscriptWriter&) = delete;
  TranscriptWriter& operator=(const TranscriptWriter&) = delete;

  // write: appends `event`. Throws TranscriptError when it breaks the session rules, its
  // line is too long, the writer is closed, or the stream fails.
  void write(const Event& event);

  // flush: hands everything written to the operating system (or flushes the stream).
  void flush();

  // close: flushes, and for a file, closes it and renames it into place. Later writes
  // throw; a second close does nothing.
  void close();

  // open_sessions: the sessions started and not yet ended, in increasing id order (a
  // recorder that stops closes them first).
  std::vector<SessionId> open_sessions() const;

  // lines: how many lines have been written, the header included.
  std::size_t lines() const noexcept { return lines_; }

  // partial_path: where a file is written until close() ("" for a stream).
  const std::filesystem::path& partial_path() const noexcept { return partial_; }

 private:
  void write_line();
  void check_stream(const char* doing);

  std::unique_ptr<std::ofstream> file_;
  std::ostream* out_;
  Options options_;
  std::filesystem::path path_;
  std::filesystem::path partial_;
  std::unique_ptr<detail::SessionRules> rules_;
  std::string line_;
  std::size_t lines_ = 0;
  bool closed_ = false;
};

}  // namespace kit::testing::transcript

#endif  // KIT_TESTING_TRANSCRIPT_TRANSCRIPT_WRITER_H_
