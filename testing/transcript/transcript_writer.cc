#include "testing/transcript/transcript_writer.h"

#include <system_error>
#include <utility>

#include "testing/transcript/detail/line_codec.h"
#include "testing/transcript/detail/session_rules.h"
#include "testing/transcript/transcript_error.h"

namespace kit::testing::transcript {

TranscriptWriter::TranscriptWriter(std::ostream& out, Options options)
    : out_(&out), options_(std::move(options)), rules_(std::make_unique<detail::SessionRules>()) {
  Header header;
  header.meta = options_.meta;
  detail::encode_line(header, line_);
  write_line();
}

TranscriptWriter::TranscriptWriter(const std::filesystem::path& path, Options options)
    : out_(nullptr),
      options_(std::move(options)),
      path_(path),
      partial_(path.string() + ".partial"),
      rules_(std::make_unique<detail::SessionRules>()) {
  file_ = std::make_unique<std::ofstream>(partial_, std::ios::binary | std::ios::trunc);
  if (!*file_) throw TranscriptError(0, "cannot create " + partial_.string());
  out_ = file_.get();
  Header header;
  header.meta = options_.meta;
  detail::encode_line(header, line_);
  write_line();
}

TranscriptWriter::~TranscriptWriter() {
  try {
    close();
  } catch (const TranscriptError&) {
    // The destructor cannot report it; the partial file stays for inspection.
  }
}

void TranscriptWriter::write(const Event& event) {
  if (closed_) throw TranscriptError(lines_ + 1, "write after close");
  line_.clear();
  detail::encode_line(event, line_);
  if (line_.size() + 1 > options_.max_line_length) {
    throw TranscriptError(lines_ + 1, "an event of " + std::to_string(line_.size() + 1) +
                                          " bytes is longer than the line limit (" +
                                          std::to_string(options_.max_line_length) + ")");
  }
  // Checked last, so that a refused event leaves the rules as they were.
  if (std::optional<std::string> fault = rules_->check(event)) {
    throw TranscriptError(lines_ + 1, *fault);
  }
  write_line();
}

void TranscriptWriter::write_line() {
  line_ += '\n';
  out_->write(line_.data(), static_cast<std::streamsize>(line_.size()));
  ++lines_;
  // A long chunk should not keep its buffer: memory stays one ordinary line.
  if (line_.capacity() > (std::size_t{1} << 20)) {
    std::string().swap(line_);
  } else {
    line_.clear();
  }
  if (options_.flush_each_event) out_->flush();
  check_stream("writing");
}

void TranscriptWriter::flush() {
  if (closed_) return;
  out_->flush();
  check_stream("flushing");
}

void TranscriptWriter::close() {
  if (closed_) return;
  closed_ = true;
  out_->flush();
  check_stream("flushing");
  if (file_) {
    file_->close();
    if (file_->fail()) throw TranscriptError(0, "cannot close " + partial_.string());
    std::error_code error;
    std::filesystem::rename(partial_, path_, error);
    if (error) {
      throw TranscriptError(0, "cannot rename " + partial_.string() + " to " + path_.string() +
                                   ": " + error.message());
    }
  }
}

std::vector<SessionId> TranscriptWriter::open_sessions() const { return rules_->open_sessions(); }

void TranscriptWriter::check_stream(const char* doing) {
  if (!*out_) {
    throw TranscriptError(0, std::string("the stream failed while ") + doing +
                                 (partial_.empty() ? "" : " " + partial_.string()));
  }
}

}  // namespace kit::testing::transcript
