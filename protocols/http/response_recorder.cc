#include "protocols/http/response_recorder.h"

namespace kit::http::testing {

void ResponseRecorder::on_informational(int code) {
  events.push_back("informational:" + std::to_string(code));
}

void ResponseRecorder::on_status(HttpVersion version, int code, std::string_view reason) {
  events.push_back("status:" + std::to_string(version.major) + "." + std::to_string(version.minor) +
                   " " + std::to_string(code) + " " + std::string(reason));
  messages.push_back({code, "", false});
}

void ResponseRecorder::on_header(std::string_view name, std::string_view value) {
  events.push_back("header:" + std::string(name) + ": " + std::string(value));
}

void ResponseRecorder::on_headers_complete() { events.push_back("headers_complete"); }

void ResponseRecorder::on_body(std::string_view data) {
  if (!events.empty() && events.back().rfind("body:", 0) == 0) {
    events.back().append(data);
  } else {
    events.push_back("body:" + std::string(data));
  }
  if (!messages.empty()) messages.back().body.append(data);
}

void ResponseRecorder::on_trailer(std::string_view name, std::string_view value) {
  events.push_back("trailer:" + std::string(name) + ": " + std::string(value));
}

void ResponseRecorder::on_message_complete() {
  events.push_back("complete");
  if (!messages.empty()) messages.back().complete = true;
}

void ResponseRecorder::on_error(const ParseError& e) {
  events.push_back("error:" + std::string(to_string(e.kind())) + ": " + e.what());
  error = e;
}

std::vector<std::string> parse_chunks(const std::vector<std::string>& chunks,
                                      std::string_view method, bool eof, ParserLimits limits) {
  ResponseRecorder recorder;
  ResponseParser parser(recorder, limits);
  parser.expect_response(method);
  for (const std::string& chunk : chunks) {
    if (parser.failed()) break;
    parser.feed(chunk);
  }
  if (eof) parser.feed_eof();
  return recorder.events;
}

}  // namespace kit::http::testing
