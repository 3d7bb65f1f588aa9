// ResponseRecorder: a ResponseHandler that writes each event down as a line of text, for
// the parser's tests, property test, fuzz target and corpus test.
//
// Adjacent body events are joined into one "body:" event, so that the events do not
// depend on how the input was chunked. parse() runs a whole response through a parser.
//
// Thread safety: one thread.
#ifndef KIT_PROTOCOLS_HTTP_RESPONSE_RECORDER_H_
#define KIT_PROTOCOLS_HTTP_RESPONSE_RECORDER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/http/response_handler.h"
#include "protocols/http/response_parser.h"

namespace kit::http::testing {

class ResponseRecorder : public ResponseHandler {
 public:
  void on_informational(int code) override;
  void on_status(HttpVersion version, int code, std::string_view reason) override;
  void on_header(std::string_view name, std::string_view value) override;
  void on_headers_complete() override;
  void on_body(std::string_view data) override;
  void on_trailer(std::string_view name, std::string_view value) override;
  void on_message_complete() override;
  void on_error(const ParseError& error) override;

  // events: "informational:100", "status:1.1 200 OK", "header:Name: value",
  // "headers_complete", "body:<bytes>", "trailer:Name: value", "complete",
  // "error:<kind>: <what>".
  std::vector<std::string> events;
  // Per final response, in order: its status code and body, and whether it completed.
  struct Message {
    int code = 0;
    std::string body;
    bool complete = false;
  };
  std::vector<Message> messages;
  std::optional<ParseError> error;
};

// parse: `bytes` through a parser expecting one response to `method` in the given chunks,
// then feed_eof() when `eof` is set. Returns the events.
std::vector<std::string> parse_chunks(const std::vector<std::string>& chunks,
                                      std::string_view method = "GET", bool eof = true,
                                      ParserLimits limits = {});

}  // namespace kit::http::testing

#endif  // KIT_PROTOCOLS_HTTP_RESPONSE_RECORDER_H_
