// ResponseHandler: what a ResponseParser reports, one call per event, in message order.
//
// For each final response: on_status, on_header per field line, on_headers_complete, then
// on_body zero or more times, on_trailer per trailer field (chunked bodies only), and
// on_message_complete. Interim (1xx) responses are not reported as messages: each one
// complete gives on_informational(code) only. After on_error nothing more is reported.
//
// Every string_view is valid only during the call; body data is a view into the bytes
// passed to feed() whenever possible (never copied by the parser).
//
// Thread safety: called on the thread that calls ResponseParser::feed().
#ifndef KIT_PROTOCOLS_HTTP_RESPONSE_HANDLER_H_
#define KIT_PROTOCOLS_HTTP_RESPONSE_HANDLER_H_

#include <string_view>

#include "protocols/http/parse_error.h"

namespace kit::http {

struct HttpVersion {
  int major = 1;
  int minor = 1;
  friend bool operator==(HttpVersion, HttpVersion) = default;
};

class ResponseHandler {
 public:
  virtual ~ResponseHandler() = default;

  // on_informational: an interim 1xx response (not 101) was read in full and skipped.
  virtual void on_informational(int /*code*/) {}
  // on_status: the status line of the final response; `reason` may be empty.
  virtual void on_status(HttpVersion version, int code, std::string_view reason) = 0;
  // on_header: one field line; `value` has its leading and trailing whitespace removed.
  virtual void on_header(std::string_view name, std::string_view value) = 0;
  // on_headers_complete: the header section ended and the framing is decided.
  virtual void on_headers_complete() = 0;
  // on_body: the next bytes of the (decoded) body; never empty.
  virtual void on_body(std::string_view data) = 0;
  // on_trailer: one field of a chunked body's trailer section.
  virtual void on_trailer(std::string_view name, std::string_view value) = 0;
  // on_message_complete: the response ended where its framing says.
  virtual void on_message_complete() = 0;
  // on_error: the response cannot be parsed; the connection must not be reused.
  virtual void on_error(const ParseError& error) = 0;
};

}  // namespace kit::http

#endif  // KIT_PROTOCOLS_HTTP_RESPONSE_HANDLER_H_
