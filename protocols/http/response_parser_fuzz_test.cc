// Fuzz target: ResponseParser fed the input in chunks derived from the input itself
// (testing::fuzz_chunking). Byte 0's top bits choose the setup: bit 7 a HEAD request,
// bit 6 two responses expected instead of one, bit 5 a clean close at the end, bit 4 small
// limits. Invariants: any chunking gives the events of the payload fed whole; the events
// follow the handler's grammar (status, fields, headers_complete, body, trailers, complete;
// interim codes only before a status; nothing after one error); no more responses complete
// than were expected; a completed Content-Length body has exactly that many bytes, and a
// HEAD, 204 or 304 response none; no error is ever the caller's; fields fit the limits.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/http/response_parser.h"
#include "protocols/http/response_recorder.h"
#include "testing/fuzz/fuzz_check.h"
#include "testing/generators/chunking.h"

namespace {

using kit::http::HttpVersion;
using kit::http::ParseError;
using kit::http::ParseErrorKind;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  }
  return true;
}

// Checks the event grammar as events arrive, on top of recording them.
class CheckingRecorder : public kit::http::testing::ResponseRecorder {
 public:
  CheckingRecorder(bool head, kit::http::ParserLimits limits) : head_(head), limits_(limits) {}

  void on_informational(int code) override {
    FUZZ_CHECK(!errored_ && phase_ == Phase::between);
    FUZZ_CHECK(code >= 100 && code < 200 && code != 101);
    ResponseRecorder::on_informational(code);
  }
  void on_status(HttpVersion version, int code, std::string_view reason) override {
    FUZZ_CHECK(!errored_ && phase_ == Phase::between);
    FUZZ_CHECK(version.major == 1 && code >= 200 && code <= 599);
    FUZZ_CHECK(reason.size() <= limits_.max_line_length);
    phase_ = Phase::head;
    code_ = code;
    content_length_ = -1;
    chunked_ = false;
    body_bytes_ = 0;
    ResponseRecorder::on_status(version, code, reason);
  }
  void on_header(std::string_view name, std::string_view value) override {
    FUZZ_CHECK(!errored_ && phase_ == Phase::head);
    FUZZ_CHECK(!name.empty() && name.size() + value.size() <= limits_.max_line_length);
    if (iequals(name, "content-length") && content_length_ < 0) {
      // Accepted, so its elements are equal runs of digits: read the first.
      std::int64_t n = 0;
      for (char c : value) {
        if (c < '0' || c > '9') break;
        n = n > (INT64_MAX - 9) / 10 ? INT64_MAX : n * 10 + (c - '0');
      }
      content_length_ = n;
    }
    if (iequals(name, "transfer-encoding")) chunked_ = true;
    ResponseRecorder::on_header(name, value);
  }
  void on_headers_complete() override {
    FUZZ_CHECK(!errored_ && phase_ == Phase::head);
    phase_ = Phase::body;
    ResponseRecorder::on_headers_complete();
  }
  void on_body(std::string_view data) override {
    FUZZ_CHECK(!errored_ && phase_ == Phase::body && !data.empty());
    FUZZ_CHECK(!head_ && code_ != 204 && code_ != 304);
    body_bytes_ += data.size();
    ResponseRecorder::on_body(data);
  }
  void on_trailer(std::string_view name, std::string_view value) override {
    FUZZ_CHECK(!errored_ && (phase_ == Phase::body || phase_ == Phase::trailers) && chunked_);
    FUZZ_CHECK(!name.empty() && name.size() + value.size() <= limits_.max_line_length);
    phase_ = Phase::trailers;
    ResponseRecorder::on_trailer(name, value);
  }
  void on_message_complete() override {
    FUZZ_CHECK(!errored_ && (phase_ == Phase::body || phase_ == Phase::trailers));
    if (head_ || code_ == 204 || code_ == 304) FUZZ_CHECK(body_bytes_ == 0);
    if (!chunked_ && content_length_ >= 0 && !head_ && code_ != 204 && code_ != 304) {
      FUZZ_CHECK(body_bytes_ == static_cast<std::uint64_t>(content_length_));
    }
    phase_ = Phase::between;
    ++completed;
    head_ = next_head_;
    ResponseRecorder::on_message_complete();
  }
  void on_error(const ParseError& e) override {
    FUZZ_CHECK(!errored_);
    FUZZ_CHECK(e.kind() != ParseErrorKind::caller_misuse && e.peer_fault());
    FUZZ_CHECK(std::string_view(e.what()).size() > 0);
    errored_ = true;
    ResponseRecorder::on_error(e);
  }

  int completed = 0;
  bool next_head_ = false;

 private:
  enum class Phase { between, head, body, trailers };
  bool head_;
  kit::http::ParserLimits limits_;
  Phase phase_ = Phase::between;
  bool errored_ = false;
  int code_ = 0;
  std::int64_t content_length_ = -1;
  bool chunked_ = false;
  std::uint64_t body_bytes_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const kit::testing::FuzzChunking fuzz = kit::testing::fuzz_chunking(input);
  const bool head = data[0] & 0x80;
  const int expected = data[0] & 0x40 ? 2 : 1;
  const bool eof = data[0] & 0x20;
  kit::http::ParserLimits limits;
  if (data[0] & 0x10) {
    limits.max_line_length = 40;
    limits.max_head_size = 120;
    limits.max_header_count = 4;
    limits.max_chunk_line_length = 12;
    limits.max_trailer_size = 30;
  }

  std::vector<std::string> results[2];
  for (int whole = 0; whole < 2; ++whole) {
    CheckingRecorder recorder(head, limits);
    kit::http::ResponseParser parser(recorder, limits);
    parser.expect_response(head ? "HEAD" : "GET");  // the second is always a GET
    if (expected == 2) parser.expect_response("GET");
    const kit::testing::Chunking chunks =
        whole ? kit::testing::Chunking{std::string(fuzz.payload)} : fuzz.chunks;
    for (const std::string& chunk : chunks) {
      if (parser.failed()) break;
      parser.feed(chunk);
    }
    if (eof) parser.feed_eof();
    FUZZ_CHECK(recorder.completed <= expected);
    FUZZ_CHECK(parser.failed() == recorder.error.has_value());
    if (parser.reusable()) FUZZ_CHECK(!parser.failed() && !eof);
    results[whole] = recorder.events;
  }
  FUZZ_CHECK(results[0] == results[1]);
  return 0;
}
