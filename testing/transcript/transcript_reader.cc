#include "testing/transcript/transcript_reader.h"

#include <utility>

#include "testing/transcript/detail/line_codec.h"
#include "testing/transcript/detail/session_rules.h"

namespace kit::testing::transcript {

TranscriptReader::TranscriptReader(std::istream& in, Options options)
    : in_(&in), options_(options), rules_(std::make_unique<detail::SessionRules>()) {
  read_header();
}

TranscriptReader::TranscriptReader(const std::filesystem::path& path, Options options)
    : in_(nullptr), options_(options), rules_(std::make_unique<detail::SessionRules>()) {
  file_ = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*file_) throw TranscriptError(0, "cannot open " + path.string());
  in_ = file_.get();
  read_header();
}

TranscriptReader::~TranscriptReader() = default;

void TranscriptReader::read_header() {
  if (!read_line()) fail(1, "an empty file (a transcript starts with its header line)");
  try {
    header_ = detail::decode_header(line_, line_number_);
  } catch (const TranscriptError& e) {
    fail(e.line(), e.reason());
  }
}

std::optional<Event> TranscriptReader::next() {
  if (error_) throw *error_;
  if (!read_line()) return std::nullopt;
  Event event;
  try {
    event = detail::decode_event(line_, line_number_, header_.minor > format_minor);
  } catch (const TranscriptError& e) {
    fail(e.line(), e.reason());
  }
  if (std::optional<std::string> fault = rules_->check(event)) fail(line_number_, *fault);
  return event;
}

std::vector<SessionId> TranscriptReader::open_sessions() const { return rules_->open_sessions(); }

bool TranscriptReader::read_line() {
  // The previous line's buffer is kept unless it was a large one.
  if (line_.capacity() > (std::size_t{1} << 20)) {
    std::string().swap(line_);
  } else {
    line_.clear();
  }
  const std::size_t number = line_number_ + 1;
  std::streambuf* buffer = in_->rdbuf();
  for (;;) {
    const int c = buffer->sbumpc();
    if (c == '\n') break;
    if (c == std::char_traits<char>::eof()) {
      if (line_.empty()) return false;
      line_number_ = number;
      fail(number, "the last line has no newline (was the file cut short while written?)");
    }
    // The newline counts too: a line is refused before it outgrows the limit.
    if (line_.size() + 2 > options_.max_line_length) {
      line_number_ = number;
      fail(number, "a line longer than the limit of " + std::to_string(options_.max_line_length) +
                       " bytes");
    }
    line_ += static_cast<char>(c);
  }
  line_number_ = number;
  return true;
}

void TranscriptReader::fail(std::size_t line, const std::string& message) {
  error_.emplace(line, message);
  throw *error_;
}

}  // namespace kit::testing::transcript
