// ResponseParser: a sans-I/O HTTP/1.1 response parser (RFC 9112). Bytes in, events out.
//
// It does no I/O and reads no clock. The caller tells it, for each request sent, which
// method the request had (a HEAD response has no body; a 2xx to CONNECT ends the head and
// the connection), then feeds it the bytes read from the connection in any chunking and,
// when the peer closes cleanly, feed_eof(). Events go to a ResponseHandler (see
// response_handler.h); body data is passed as views into the fed bytes.
//
//   ResponseParser parser(handler);
//   parser.expect_response("GET");
//   parser.feed(bytes);           // as often as bytes arrive
//   parser.feed_eof();            // on a clean close (a reset is the caller's failure)
//   if (parser.reusable()) ...    // the connection may carry the next request
//
// Responses to several requests sent in a row (expect_response() once per request) parse
// one after another from the same bytes. Bytes that arrive with no response expected are
// an error on a connection that could be reused, and are ignored after a response that
// ended the connection's use (Connection: close and the like; RFC 9112 9.6).
//
// Peer errors never throw: the parser fails, calls on_error() once and error() keeps the
// reason. Caller misuse (feeding after a failure or after feed_eof(), expecting a response
// on a connection that cannot carry one, feeding from inside a handler) throws a
// ParseError of kind caller_misuse. An exception thrown by the handler leaves feed() and
// leaves the parser failed. docs/http.md lists every rule and each leniency chosen.
//
// Thread safety: one thread at a time.
#ifndef KIT_PROTOCOLS_HTTP_RESPONSE_PARSER_H_
#define KIT_PROTOCOLS_HTTP_RESPONSE_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "protocols/http/parse_error.h"
#include "protocols/http/response_handler.h"

namespace kit::http {

// ParserLimits: bounds on what a peer can make the parser hold or count. Each line limit
// excludes the line's CRLF; the size limits include every byte of the section.
struct ParserLimits {
  std::size_t max_line_length = 8 * 1024;    // the status line and each field line
  std::size_t max_head_size = 64 * 1024;     // status line + header section, per message
  std::size_t max_header_count = 256;        // field lines per header or trailer section
  std::size_t max_chunk_line_length = 1024;  // a chunk-size line with its extensions
  std::size_t max_trailer_size = 16 * 1024;  // the trailer section of a chunked body
};

class ResponseParser {
 public:
  explicit ResponseParser(ResponseHandler& handler, ParserLimits limits = {});

  ResponseParser(const ResponseParser&) = delete;
  ResponseParser& operator=(const ResponseParser&) = delete;

  // expect_response: a request with `method` was sent; its response comes after those
  // already expected. Throws caller_misuse once the connection cannot carry another
  // response (failed, closed, or the last response ended its use).
  void expect_response(std::string_view method);

  // feed: the next bytes from the connection, in any chunking.
  void feed(std::string_view data);

  // feed_eof: the peer closed the connection cleanly. Ends a close-delimited body; fails
  // with truncated (or closed_before_response) when a response was under way.
  void feed_eof();

  // reusable: the last response is complete, nothing went wrong, and it allows another
  // request on this connection (HTTP/1.1 without "close", HTTP/1.0 with "keep-alive", a
  // body framed by length or chunks, no Content-Length beside Transfer-Encoding).
  bool reusable() const noexcept { return state_ == State::idle && !eof_; }

  // keep_alive: for the response being read (from on_headers_complete on), whether the
  // connection stays reusable once it completes.
  bool keep_alive() const noexcept { return keep_alive_; }

  // awaiting_response: a response is expected or being read. Requests expected after a
  // response that ended the connection's use stay unanswered here; the caller retries or
  // fails them.
  bool awaiting_response() const noexcept { return !expected_.empty(); }

  // failed / error: whether the parser failed, and why.
  bool failed() const noexcept { return error_.has_value(); }
  const std::optional<ParseError>& error() const noexcept { return error_; }

  // ignored_bytes: bytes dropped after a response that ended the connection's use.
  std::uint64_t ignored_bytes() const noexcept { return ignored_bytes_; }

  const ParserLimits& limits() const noexcept { return limits_; }

 private:
  enum class State {
    idle,           // no response under way; the connection may carry another
    finished,       // the last response ended the connection's use; bytes are ignored
    status_line,    // reading the status line (leading empty lines skipped)
    header_line,    // reading field lines of the header section
    body_length,    // a Content-Length body; remaining_ bytes to go
    body_close,     // a body that ends when the connection closes
    chunk_size,     // reading a chunk-size line
    chunk_data,     // remaining_ bytes of chunk data to go
    chunk_data_cr,  // the CRLF after chunk data
    chunk_data_lf,  // the LF of that CRLF
    trailer_line,   // reading the trailer section
    failed,
  };
  enum class RequestKind { other, head, connect };

  // take_line: completes a line from data[pos...]; false while it is still partial.
  // Fails the parser (and returns false) when the line goes beyond `limit` bytes.
  struct LineLimit {
    const char* what;  // "status line"
    const char* name;  // the ParserLimits member
    std::size_t value;
  };
  bool take_line(std::string_view data, std::size_t& pos, std::size_t limit, std::string_view& line,
                 const LineLimit& what);
  void line_too_long(const LineLimit& what);

  void start_message();
  void status_line(std::string_view line);
  void header_line(std::string_view line);
  void headers_complete();
  void chunk_size_line(std::string_view line);
  void trailer_line(std::string_view line);
  void message_complete();
  // field_line: name and value of a field line, or false after failing the parser.
  bool field_line(std::string_view line, std::string_view& name, std::string_view& value);
  void content_length(std::string_view value);
  void transfer_encoding(std::string_view value);
  void connection(std::string_view value);

  void fail(ParseErrorKind kind, std::string rule, const std::string& message);
  [[noreturn]] static void misuse(const std::string& message);

  ResponseHandler& handler_;
  ParserLimits limits_;
  State state_ = State::idle;
  bool eof_ = false;
  bool in_feed_ = false;
  std::deque<RequestKind> expected_;
  std::optional<ParseError> error_;
  std::uint64_t ignored_bytes_ = 0;

  // A line split across feeds; at most the line limit plus its CR.
  std::string line_;

  // The message being read.
  bool received_any_ = false;
  std::size_t section_bytes_ = 0;  // head or trailer bytes so far
  std::size_t field_count_ = 0;
  HttpVersion version_;
  int code_ = 0;
  bool interim_ = false;
  std::optional<std::uint64_t> content_length_;
  bool transfer_encoding_seen_ = false;
  int chunked_count_ = 0;
  std::string unsupported_coding_;  // the first transfer coding other than chunked
  bool connection_close_ = false;
  bool connection_keep_alive_ = false;
  bool keep_alive_ = false;
  std::uint64_t remaining_ = 0;
};

}  // namespace kit::http

#endif  // KIT_PROTOCOLS_HTTP_RESPONSE_PARSER_H_
